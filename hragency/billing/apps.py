from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "hragency.billing"
    label = "billing"
    verbose_name = "费用结算"

    def ready(self) -> None:
        from hragency.billing.timeline_labels import register

        register()
