from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "hragency.servicedesk"
    label = "servicedesk"
    verbose_name = "服务台"

    def ready(self) -> None:
        from hragency.servicedesk import timeline_care, timeline_labels

        timeline_labels.register()
        timeline_care.register()
