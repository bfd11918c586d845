from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "hragency.recruitment"
    label = "recruitment"
    verbose_name = "招聘外包"

    def ready(self) -> None:
        from hragency.recruitment.timeline_labels import register

        register()
