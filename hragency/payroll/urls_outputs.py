"""Payroll URLs (outputs); included by payroll/urls.py (namespace ``payroll``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hragency.payroll import views_outputs as views

urlpatterns: list[URLPattern] = [
    path("payslips/", views.payslip_list, name="payslips"),
    path("payslips/<int:line_id>/", views.payslip_detail, name="payslip"),
    path("payslips/<int:line_id>/pdf/", views.payslip_pdf, name="payslip_pdf"),
    path("runs/<int:run_id>/payslips/", views.run_payslips, name="run_payslips"),
    path("runs/<int:run_id>/payslips.pdf", views.run_payslips_pdf, name="run_payslips_pdf"),
    path("runs/<int:run_id>/payslips/send/", views.run_payslips_send, name="run_payslips_send"),
    path("runs/<int:run_id>/bank/", views.run_bank, name="run_bank"),
    path("runs/<int:run_id>/bank/download/", views.run_bank_download, name="run_bank_download"),
    path("runs/<int:run_id>/iit-export/", views.run_iit, name="run_iit"),
    path("runs/<int:run_id>/iit-export.xlsx", views.run_iit_download, name="run_iit_download"),
    path("runs/<int:run_id>/costs/", views.run_costs, name="run_costs"),
    path("runs/<int:run_id>/costs.xlsx", views.run_costs_xlsx, name="run_costs_xlsx"),
]
