from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "hragency.claims"
    label = "claims"
    verbose_name = "出险理赔"
