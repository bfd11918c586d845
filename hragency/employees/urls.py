from django.urls import path

from hragency.employees import views

app_name = "employees"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path("<int:person_id>/reveal/<slug:field>/", views.person_reveal, name="reveal"),
    path("<int:person_id>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:person_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:person_id>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:person_id>/onboarding/", views.start_onboarding, name="start_onboarding"),
    path("<int:person_id>/offboarding/", views.start_offboarding, name="start_offboarding"),
    path("<int:person_id>/steps/<int:step_id>/done/", views.complete_step, name="complete_step"),
    path("<int:person_id>/finish/", views.finish_process, name="finish_process"),
]
