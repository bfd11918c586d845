from __future__ import annotations

from django.urls import path

from hragency.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("export/", views.claim_export, name="export"),
    path("new/", views.claim_new, name="new"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/documents/", views.document_upload, name="upload"),
    path(
        "<int:claim_id>/documents/<int:claim_document_id>/",
        views.document_download,
        name="download",
    ),
    path("<int:claim_id>/steps/<str:claim_step>/complete/", views.step_complete, name="complete"),
    path("<int:claim_id>/steps/<str:claim_step>/skip/", views.step_skip, name="skip"),
    path("<int:claim_id>/approve/", views.claim_approve, name="approve"),
    path("<int:claim_id>/pay/", views.claim_pay, name="pay"),
    path("<int:claim_id>/close/", views.claim_close, name="close"),
    path("<int:claim_id>/withdraw/", views.claim_withdraw, name="withdraw"),
]
