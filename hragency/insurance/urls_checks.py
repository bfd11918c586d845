from django.urls import path

from hragency.insurance import views_checks

app_name = "si_checks"

urlpatterns = [path("", views_checks.checks, name="checks")]
