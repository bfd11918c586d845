from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hragency.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from hragency.accounts.roles import sync_roles

        # Not filtered by sender: permissions of apps after this one exist only later.
        post_migrate.connect(sync_roles, dispatch_uid="hragency.sync_roles")
