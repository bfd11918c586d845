from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from hragency.payroll import urls_calc, urls_outputs, urls_setup, views

app_name = "payroll"

urlpatterns: list[URLPattern | URLResolver] = [
    path("runs/", views.run_list, name="runs"),
    path("runs/calculate/", views.run_calculate, name="run_calculate"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/submit/", views.run_submit, name="run_submit"),
    path("runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("runs/<int:run_id>/return/", views.run_return, name="run_return"),
    path("runs/<int:run_id>/pay/", views.run_pay, name="run_pay"),
    path("runs/<int:run_id>/recalculate/", views.run_recalculate, name="run_recalculate"),
    *urls_setup.urlpatterns,
    *urls_outputs.urlpatterns,
    *urls_calc.urlpatterns,
]
