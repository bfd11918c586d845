from django.urls import path

from hragency.billing import views_funds as views

app_name = "funds"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("clients/<int:client_id>/", views.ledger, name="ledger"),
    path("clients/<int:client_id>/report/", views.report, name="report"),
    path("clients/<int:client_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/void/", views.invoice_void, name="invoice_void"),
]
