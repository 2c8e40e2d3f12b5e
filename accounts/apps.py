from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Who may do what on the site: the educators' role and its permissions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from accounts.roles import sync_educator_group_after_migrate

        # Permissions only exist once every app has migrated, so the group is synced afterwards.
        post_migrate.connect(sync_educator_group_after_migrate, dispatch_uid="accounts.sync_educators")
