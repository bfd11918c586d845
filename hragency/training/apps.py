from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "hragency.training"
    label = "training"
    verbose_name = "培训服务"
