"""Data cleaning (IMP-3): the report of invalid and duplicate data, and the bulk fixes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.customers.models import Customer
from crm.dictionary.selectors import items as dictionary_items
from crm.imports.services import cleaning as service


@crm_view("customers.customer.edit")
def cleaning(request):
    findings = service.cleaning_report(actor=request.user)
    ids = {sample["id"] for finding in findings for sample in finding.samples}
    customers = Customer.objects.in_bulk(sorted(ids)) if ids else {}
    for finding in findings:
        for sample in finding.samples:
            sample["customer"] = customers.get(sample["id"])
        if finding.fix == "replace" and finding.extra.get("category"):
            finding.extra["choices"] = list(dictionary_items(finding.extra["category"]))
    access = access_for(request.user)
    context = {
        "findings": findings,
        "problems": sum(f.count for f in findings),
        "duplicates": service.duplicate_summary(actor=request.user),
        "may_merge": access.can("customers.customer.merge"),
        "cap": service.SCAN_CAP,
    }
    return render(request, "imports/cleaning.html", context)


@crm_view("customers.customer.edit", methods=("POST",))
def cleaning_fix(request):
    action = request.POST.get("action", "")
    try:
        if action == "phones":
            count = service.cleaning_fix_phones(actor=request.user)
            messages.success(request, _("%(count)d phone numbers written in the standard form.") % {"count": count})
        elif action == "emails":
            count = service.cleaning_clear_emails(actor=request.user)
            messages.success(request, _("%(count)d e-mail addresses cleared or trimmed.") % {"count": count})
        elif action == "replace":
            count = service.cleaning_replace_item(
                actor=request.user,
                fieldname=request.POST.get("field", ""),
                old_id=_int(request.POST.get("old")),
                new_id=_int(request.POST.get("new")),
            )
            messages.success(request, _("%(count)d customers now use the new value.") % {"count": count})
        else:
            messages.warning(request, _("Unknown action."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.summary())
    return redirect("imports:cleaning")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
