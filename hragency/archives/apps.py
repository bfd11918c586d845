from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "hragency.archives"
    label = "archives"
    verbose_name = "档案管理"

    def ready(self) -> None:
        from hragency.archives.timeline_labels import register

        register()
