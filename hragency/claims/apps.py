from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "hragency.claims"
    label = "claims"
    verbose_name = "出险理赔"

    def ready(self) -> None:
        from hragency.claims.timeline_labels import register

        register()
