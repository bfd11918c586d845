"""Payroll URLs (setup, R-PAY-1): items, settings, monthly inputs, salaries, deductions;
included by payroll/urls.py (namespace ``payroll``, prefix /payroll/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hragency.payroll import views_setup as views

urlpatterns: list[URLPattern] = [
    path("setup/", views.setup_home, name="setup_home"),
    path("setup/clients/<int:client_id>/", views.setup_items, name="setup_items"),
    path("setup/clients/<int:client_id>/defaults/", views.setup_defaults, name="setup_defaults"),
    path("setup/clients/<int:client_id>/settings/", views.setup_settings, name="setup_settings"),
    path("setup/clients/<int:client_id>/month/", views.setup_month, name="setup_month"),
    path("setup/items/<int:item_id>/", views.setup_item, name="setup_item"),
    path("setup/items/<int:item_id>/active/", views.setup_item_active, name="setup_item_active"),
    path("setup/people/<int:person_id>/", views.setup_person, name="setup_person"),
    path("setup/people/<int:person_id>/salary/", views.setup_salary, name="setup_salary"),
    path("setup/people/<int:person_id>/tax/", views.setup_tax, name="setup_tax"),
    path(
        "setup/people/<int:person_id>/attendance/",
        views.setup_attendance,
        name="setup_attendance",
    ),
    path("setup/people/<int:person_id>/amount/", views.setup_amount, name="setup_amount"),
    path(
        "setup/people/<int:person_id>/deductions/",
        views.setup_deductions,
        name="setup_deductions",
    ),
    path("setup/deductions/<int:deduction_id>/end/", views.deduction_end, name="deduction_end"),
    path(
        "setup/deductions/<int:deduction_id>/withdraw/",
        views.deduction_withdraw,
        name="deduction_withdraw",
    ),
    path("setup/my/deductions/", views.my_deductions, name="my_deductions"),
]
