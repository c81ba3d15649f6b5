"""Attachments (CUS-12), also of contracts (crm.customers.services.contracts).

Files are stored outside the database under random names and served only by a view that asks
the permission engine first; their kind is checked by content, not only by name.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete
from crm.core.errors import ValidationFailed
from crm.core.uploads import check_upload
from crm.customers.models import Attachment, AttachmentKind, Customer, EventKind
from crm.customers.permissions import ATTACHMENT
from crm.customers.services.events import event_record


@transaction.atomic
def attachment_upload(
    *, actor, customer: Customer, upload, kind: str = AttachmentKind.OTHER, description: str = "", contract=None
) -> Attachment:
    access_for(actor).check_parent(ATTACHMENT, "create", customer)
    content_type = check_upload(upload)
    if kind not in AttachmentKind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind.")]})
    if contract is not None and contract.customer_id != customer.pk:
        raise ValidationFailed(fields={"contract": [_("The contract belongs to another customer.")]})
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        customer=customer,
        contract=contract,
        kind=kind,
        original_name=name,
        size=upload.size,
        content_type=content_type,
        description=(description or "").strip()[:200],
        uploaded_by=actor,
    )
    # Everything is checked before the file is written, so a rollback after this point (rare:
    # only the row and its audit entry follow) is the only way to leave a stray file behind.
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_create(actor=actor, instance=attachment, fields=["customer", "contract", "kind", "original_name", "size"])
    event_record(
        customer=customer, kind=EventKind.ATTACHMENT, actor=actor, summary=name, data={"attachment": attachment.pk}
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    access_for(actor).check_parent(ATTACHMENT, "delete", attachment.customer)
    audit_delete(actor=actor, instance=attachment, fields=["customer", "contract", "kind", "original_name", "size"])
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
