"""The service app writes a timeline event for each step of a service (create, assign, handle,
reopen, archive); the portal listens to those rows to tell the contact who asked, after commit."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from crm.customers.models import CustomerEvent
from crm.portal.services import status_changed


@receiver(post_save, sender=CustomerEvent, dispatch_uid="crm.portal.service_status")
def _service_event(sender, instance, created, **kwargs):
    if not created or not instance.kind.startswith("service."):
        return
    service_id = (instance.data or {}).get("service")
    if service_id:
        transaction.on_commit(lambda: status_changed(service_id))
