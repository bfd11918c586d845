from __future__ import annotations

from django.urls import path

from hragency.reports import views, views_daily, views_jobs

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views_jobs.job_list, name="jobs"),
    path("jobs/<int:job_id>/", views_jobs.job_detail, name="job"),
    path("jobs/<int:job_id>/download/", views_jobs.job_download, name="job_download"),
    path("service/", views.service_list, name="service"),
    path("service/generate/", views.service_generate, name="service_generate"),
    path("service/publish/", views.service_publish_all, name="service_publish_all"),
    path("service/<int:report_id>/", views.service_detail, name="service_detail"),
    path("service/<int:report_id>/pdf/", views.service_pdf, name="service_pdf"),
    path("service/<int:report_id>/xlsx/", views.service_xlsx, name="service_xlsx"),
    path("service/<int:report_id>/publish/", views.service_publish, name="service_publish"),
    path("service/<int:report_id>/withdraw/", views.service_withdraw, name="service_withdraw"),
    path("portal/", views.portal, name="portal"),
    path("daily/", views_daily.daily, name="daily"),
    path("daily/excel/", views_daily.daily_excel, name="daily_excel"),
]
