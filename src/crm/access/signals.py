from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="crm.access.roles_sync")
def _sync_roles(sender, app_config=None, **kwargs):
    # Once per migrate run, after the last app: every resource is registered by then.
    if app_config is None or app_config.label != "access":
        return
    from crm.access.services import roles_sync

    roles_sync()
