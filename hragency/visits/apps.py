from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "hragency.visits"
    label = "visits"
    verbose_name = "回访与满意度"

    def ready(self) -> None:
        from hragency.visits.timeline_labels import register

        register()
