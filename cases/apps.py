from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Teaching cases"

    def ready(self):
        from cases import checks  # noqa: F401  (registers the system checks)
        from cases.roles import sync_educator_group_after_migrate

        # Permissions only exist once every app has migrated, so the group is synced afterwards.
        post_migrate.connect(sync_educator_group_after_migrate, dispatch_uid="cases.sync_educators")
