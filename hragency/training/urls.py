from __future__ import annotations

from django.urls import path

from hragency.training import views

app_name = "training"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/resources/", views.resources, name="resources"),
    path("<int:programme_id>/materials/", views.material_add, name="material_add"),
    path("<int:programme_id>/sessions/", views.session_add, name="session_add"),
    path("<int:programme_id>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:programme_id>/cancel/", views.cancel, name="cancel"),
    path("materials/<int:material_id>/", views.material_download, name="material"),
    path("sessions/<int:training_session_id>/", views.session_detail, name="session"),
    path("sessions/<int:training_session_id>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:training_session_id>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:training_session_id>/results/", views.results, name="results"),
]
