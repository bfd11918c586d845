from __future__ import annotations

from django.urls import path

from hragency.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("query/", views.query_page, name="query"),
    path("query/save/", views.query_save, name="query_save"),
    path("query/export/", views.query_export, name="query_export"),
    path("query/saved/<int:saved_query_id>/", views.saved_open, name="saved"),
    path("query/saved/<int:saved_query_id>/delete/", views.saved_delete, name="saved_delete"),
]
