from django.apps import AppConfig


class AnnuityConfig(AppConfig):
    name = "hragency.annuity"
    label = "annuity"
    verbose_name = "企业年金"

    def ready(self) -> None:
        from hragency.annuity.timeline_labels import register

        register()
