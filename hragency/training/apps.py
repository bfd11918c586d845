from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "hragency.training"
    label = "training"
    verbose_name = "培训服务"

    def ready(self) -> None:
        from hragency.training.timeline_labels import register

        register()
