from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "hragency.clients"
    label = "clients"
    verbose_name = "客户"
