from django.urls import path

from hragency.insurance import views_incidents as views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/respond/", views.incident_respond, name="respond"),
    path("<int:incident_id>/resolve/", views.incident_resolve, name="resolve"),
    path("<int:incident_id>/close/", views.incident_close, name="close"),
    path("<int:incident_id>/report/", views.incident_report, name="report"),
]
