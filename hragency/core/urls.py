from django.urls import path

from hragency.core import import_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
    path("todo/read/", views.mark_read, name="mark_read"),
    path("audit/", views.audit_log, name="audit"),
    path("imports/", import_views.batch_list, name="imports"),
    path("imports/new/<str:kind>/", import_views.batch_new, name="import_new"),
    path("imports/template/<str:kind>/", import_views.template, name="import_template"),
    path("imports/<int:batch_id>/", import_views.batch_detail, name="import_detail"),
    path("imports/<int:batch_id>/commit/", import_views.batch_commit, name="import_commit"),
    path("imports/<int:batch_id>/discard/", import_views.batch_discard, name="import_discard"),
    path("imports/<int:batch_id>/errors/", import_views.batch_errors, name="import_errors"),
]
