from __future__ import annotations

from django.urls import path

from hragency.archives import views, views_borrowing

app_name = "archives"

urlpatterns = [
    path("", views.board, name="board"),
    path("open-month/", views.open_month_view, name="open_month"),
    path("filings/<int:archive_filing_id>/", views.filing_detail, name="filing"),
    path(
        "filings/<int:archive_filing_id>/materials/",
        views.filing_materials,
        name="filing_materials",
    ),
    path("filings/<int:archive_filing_id>/items/", views.filing_item, name="filing_item"),
    path("filings/<int:archive_filing_id>/close/", views.filing_close, name="filing_close"),
    path("files/", views.file_list, name="files"),
    path("files/<int:archive_file_id>/", views.file_detail, name="file"),
    path(
        "files/<int:archive_file_id>/borrow/",
        views_borrowing.borrowing_new,
        name="borrow",
    ),
    path("borrowings/", views_borrowing.borrowing_list, name="borrowings"),
    path(
        "borrowings/<int:archive_borrowing_id>/approve/",
        views_borrowing.borrowing_approve,
        name="borrowing_approve",
    ),
    path(
        "borrowings/<int:archive_borrowing_id>/reject/",
        views_borrowing.borrowing_reject,
        name="borrowing_reject",
    ),
    path(
        "borrowings/<int:archive_borrowing_id>/return/",
        views_borrowing.borrowing_return,
        name="borrowing_return",
    ),
    path("destructions/", views_borrowing.destruction_list, name="destructions"),
    path("destructions/propose/", views_borrowing.destruction_propose, name="destruction_propose"),
    path(
        "destructions/<int:archive_destruction_id>/",
        views_borrowing.destruction_detail,
        name="destruction",
    ),
    path(
        "destructions/<int:archive_destruction_id>/appraise/",
        views_borrowing.destruction_appraise,
        name="destruction_appraise",
    ),
    path(
        "destructions/<int:archive_destruction_id>/approve/",
        views_borrowing.destruction_approve,
        name="destruction_approve",
    ),
    path(
        "destructions/<int:archive_destruction_id>/reject/",
        views_borrowing.destruction_reject,
        name="destruction_reject",
    ),
    path(
        "destructions/<int:archive_destruction_id>/execute/",
        views_borrowing.destruction_execute,
        name="destruction_execute",
    ),
]
