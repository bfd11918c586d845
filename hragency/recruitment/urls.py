from __future__ import annotations

from django.urls import path

from hragency.recruitment import views, views_portal, views_report

app_name = "recruitment"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.requisition_new, name="new"),
    path("report/", views_report.report, name="report"),
    path("report/excel/", views_report.report_excel, name="report_excel"),
    path("portal/", views_portal.portal, name="portal"),
    path("portal/<int:requisition_id>/", views_portal.portal_detail, name="portal_detail"),
    path("<int:requisition_id>/", views.requisition_detail, name="detail"),
    path("<int:requisition_id>/contact/", views.contact, name="contact"),
    path("<int:requisition_id>/jd/", views.jd, name="jd"),
    path("<int:requisition_id>/plan/", views.plan, name="plan"),
    path("<int:requisition_id>/channels/", views.channel, name="channel"),
    path("<int:requisition_id>/candidates/", views.candidate_add, name="candidate_add"),
    path("<int:requisition_id>/cancel/", views.cancel, name="cancel"),
    path("<int:requisition_id>/evaluate/", views.evaluate, name="evaluate"),
    path("candidates/<int:candidate_id>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:candidate_id>/resume/", views.resume_download, name="resume"),
    *[
        path(
            f"applications/<int:application_id>/{name}/",
            view,
            name=f"application_{name}",
        )
        for name, view in views.application_views.items()
    ],
]
