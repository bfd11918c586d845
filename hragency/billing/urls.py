from django.urls import path

from hragency.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.index, name="index"),
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:statement_id>/", views.statement_detail, name="statement"),
    path("statements/<int:statement_id>/confirm/", views.statement_confirm, name="confirm"),
    path("statements/<int:statement_id>/dispute/", views.statement_dispute, name="dispute"),
    path("statements/<int:statement_id>/resolve/", views.statement_resolve, name="resolve"),
    path("statements/<int:statement_id>/excel/", views.statement_xlsx, name="export_xlsx"),
    path("statements/<int:statement_id>/pdf/", views.statement_pdf, name="export_pdf"),
    path("close/", views.close_screen, name="close"),
    path("close/<int:run_id>/", views.run_detail, name="run"),
]
