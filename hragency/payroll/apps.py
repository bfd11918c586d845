from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "hragency.payroll"
    label = "payroll"
    verbose_name = "薪酬个税"

    def ready(self) -> None:
        from hragency.payroll import timeline_labels
        from hragency.payroll.importers import register_importers

        register_importers()
        timeline_labels.register()
