from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "hragency.disputes"
    label = "disputes"
    verbose_name = "劳动争议"

    def ready(self) -> None:
        from hragency.disputes.timeline_labels import register

        register()
