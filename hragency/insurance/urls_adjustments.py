from django.urls import path

from hragency.insurance import views_adjustments as views

app_name = "adjustments"

urlpatterns = [
    path("", views.adjustment_list, name="list"),
    path("new/", views.adjustment_new, name="new"),
    path("<int:adjustment_id>/", views.adjustment_detail, name="detail"),
    path("<int:adjustment_id>/status/", views.adjustment_status, name="status"),
]
