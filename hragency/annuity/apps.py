from django.apps import AppConfig


class AnnuityConfig(AppConfig):
    name = "hragency.annuity"
    label = "annuity"
    verbose_name = "企业年金"
