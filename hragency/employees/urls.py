from django.urls import path

from hragency.employees import views

app_name = "employees"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/reveal/<slug:field>/", views.person_reveal, name="reveal"),
]
