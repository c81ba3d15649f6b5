"""Attachments 附件 (CUS-12): quotes and contracts uploaded to a customer (from its 360 page) or to
one of its contracts, downloaded only through the permission engine, deleted with confirmation."""

import re
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError, TooLarge, ValidationFailed
from crm.core.htmx import htmx_saved, is_htmx
from crm.core.uploads import stored_file
from crm.core.views.flows import dialog, go, safe_next
from crm.customers.forms import AttachmentForm
from crm.customers.forms_admin import upload_accept
from crm.customers.models import AttachmentKind
from crm.customers.permissions import ATTACHMENT, CUSTOMER
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get
from crm.customers.services import files


def _form(request, *, kind: str) -> AttachmentForm:
    form = AttachmentForm(request.POST or None, request.FILES or None, initial={"kind": kind})
    form.fields["file"].widget.attrs["accept"] = upload_accept()
    form.fields["file"].help_text = _("At most %(limit)s. PDF, Office documents, images, text, archives.") % {
        "limit": filesizeformat(settings.CRM_UPLOAD_MAX_BYTES)
    }
    return form


def _upload(request, *, customer, contract=None, next_url: str):
    access_for(request.user).check(CUSTOMER, "edit", customer)
    form = _form(request, kind=AttachmentKind.CONTRACT if contract else AttachmentKind.QUOTE)
    uploaded = {}

    def save():
        try:
            uploaded["attachment"] = files.attachment_upload(
                actor=request.user,
                customer=customer,
                contract=contract,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data.get("description", ""),
            )
        except TooLarge as exc:  # 413: shown under the file field like any other refusal
            raise ValidationFailed(exc.message, fields={"file": [exc.message]}) from exc

    name = getattr(request.FILES.get("file"), "name", "")
    if contract is not None:
        title = _("Upload a file to contract %(number)s") % {"number": contract.number}
    else:
        title = _("Upload a file to %(name)s") % {"name": customer.name}
    return dialog(
        request,
        form=form,
        title=title,
        save=save,
        success=_("%(name)s uploaded.") % {"name": name},
        next_url=next_url,
        submit=_("Upload"),
        multipart=True,
    )


@crm_view(f"{ATTACHMENT}.create", methods=("GET", "POST"))
def attachment_upload(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    return _upload(
        request,
        customer=customer,
        next_url=safe_next(request, reverse("customers:detail", args=[customer.pk])),
    )


@crm_view(f"{ATTACHMENT}.create", methods=("GET", "POST"))
def contract_attachment_upload(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    return _upload(
        request,
        customer=contract.customer,
        contract=contract,
        next_url=reverse("customers:contract_detail", args=[contract.pk]),
    )


def content_disposition(name: str) -> str:
    """`attachment` with the original name: an ASCII fallback for old clients and the exact
    (Chinese) name as RFC 5987 `filename*`, so no client has to guess the encoding."""
    name = (name or "").replace("\r", "").replace("\n", "")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip(" .")
    stem, dot, suffix = ascii_name.rpartition(".")
    if not re.search(r"[A-Za-z0-9]", stem if dot else ascii_name):
        ascii_name = f"attachment.{suffix}" if dot and suffix else "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@crm_view(f"{ATTACHMENT}.view")
def attachment_download(request, pk):
    attachment = related.attachment_get(user=request.user, pk=pk)
    response = FileResponse(stored_file(attachment.file), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@crm_view(f"{ATTACHMENT}.delete", methods=("POST",))
def attachment_delete(request, pk):
    attachment = related.attachment_get(user=request.user, pk=pk)
    name = attachment.original_name
    back = safe_next(request, reverse("customers:detail", args=[attachment.customer_id]))
    try:
        files.attachment_delete(actor=request.user, attachment=attachment)
    except DomainError as exc:
        if is_htmx(request):
            return HttpResponse(str(exc.message), status=exc.status)
        messages.error(request, exc.message)
        return go(request, back)
    message = _("%(name)s deleted.") % {"name": name}
    if is_htmx(request):
        return htmx_saved(message)
    messages.success(request, message)
    return go(request, back)
