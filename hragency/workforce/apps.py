from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hragency.workforce"
    label = "workforce"
    verbose_name = "话务排班"
