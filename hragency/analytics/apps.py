from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hragency.analytics"
    label = "analytics"
    verbose_name = "数据分析"
