from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hragency.workforce"
    label = "workforce"
    verbose_name = "话务排班"

    def ready(self) -> None:
        from hragency.workforce.importers import register_importers

        register_importers()
