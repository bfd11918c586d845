from __future__ import annotations

from django.urls import path

from hragency.disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("consult/", views.consult, name="consult"),
    path("stats/", views.stats, name="stats"),
    path("<int:dispute_id>/", views.case_detail, name="detail"),
    path("<int:dispute_id>/stage/", views.case_stage, name="stage"),
    path("<int:dispute_id>/legal/", views.case_legal, name="legal"),
    path("<int:dispute_id>/hearings/", views.case_hearing, name="hearing"),
    path(
        "<int:dispute_id>/hearings/<int:dispute_hearing_id>/ready/",
        views.hearing_ready,
        name="hearing_ready",
    ),
    path("<int:dispute_id>/outcome/", views.case_outcome, name="outcome"),
    path("<int:dispute_id>/notes/", views.case_note, name="note"),
    path("<int:dispute_id>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:dispute_id>/documents/<int:dispute_document_id>/",
        views.document_download,
        name="document_download",
    ),
]
