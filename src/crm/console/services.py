"""System settings (s001 系统配置): the name and logo every page shows."""

from django.db import transaction

from crm.access.engine import access_for
from crm.audit.services import audit_update
from crm.core.models import SystemSettings
from crm.core.selectors import forget_system_settings
from crm.core.services import model_update


def system_settings_update(*, actor, data: dict):
    """Admins set the system name and logo (s001 系统配置)."""
    access_for(actor).require("core.settings.edit")
    with transaction.atomic():
        current = SystemSettings.objects.select_for_update().order_by("pk").first() or SystemSettings.objects.create()
        changes = model_update(instance=current, data=data, fields=["name", "company_name"])
        logo = data.get("logo")
        if logo is False:  # cleared
            current.logo.delete(save=True)
            changes["logo"] = ["…", None]
        elif logo and hasattr(logo, "read"):
            current.logo.save(logo.name, logo, save=True)
            changes["logo"] = [None, current.logo.name]
        current.updated_by = actor
        current.save(update_fields=["updated_by", "updated_at"])
        audit_update(actor=actor, instance=current, changes=changes)
        transaction.on_commit(forget_system_settings)
    return current
