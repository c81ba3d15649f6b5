from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from crm.access.engine import policy_changed
from crm.access.models import FieldRule, Role, RolePermission, RoleScope


@receiver(post_migrate, dispatch_uid="crm.access.roles_sync")
def _sync_roles(sender, app_config=None, **kwargs):
    # Once per migrate run, after the last app: every resource is registered by then.
    if app_config is None or app_config.label != "access":
        return
    from crm.access.services import roles_sync

    roles_sync()


@receiver(post_save, sender=Role, dispatch_uid="crm.access.policy.role_saved")
@receiver(post_delete, sender=Role, dispatch_uid="crm.access.policy.role_deleted")
@receiver(post_save, sender=RolePermission, dispatch_uid="crm.access.policy.function_saved")
@receiver(post_delete, sender=RolePermission, dispatch_uid="crm.access.policy.function_deleted")
@receiver(post_save, sender=RoleScope, dispatch_uid="crm.access.policy.scope_saved")
@receiver(post_delete, sender=RoleScope, dispatch_uid="crm.access.policy.scope_deleted")
@receiver(post_save, sender=FieldRule, dispatch_uid="crm.access.policy.field_rule_saved")
@receiver(post_delete, sender=FieldRule, dispatch_uid="crm.access.policy.field_rule_deleted")
def _policy_saved(sender, **kwargs):
    # What a role allows is held per set of roles (crm.access.engine, ADR 0028): a role, or a row of its
    # policy, saved or deleted one by one (the admin pages, the API, the services, cascades).
    policy_changed()
