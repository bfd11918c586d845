from django.urls import path

from hragency.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
    path("todo/read/", views.mark_read, name="mark_read"),
    path("audit/", views.audit_log, name="audit"),
]
