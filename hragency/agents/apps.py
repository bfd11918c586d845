from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "hragency.agents"
    label = "agents"
    verbose_name = "坐席考核"
