from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hragency.reports"
    label = "reports"
    verbose_name = "服务报告"
