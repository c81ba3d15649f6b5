"""Customer settings 客户设置: public pools (CUS-13), tags (CUS-15), custom fields (CUS-14) and
duplicate rules (CUS-8). One page with a tab per kind; a tab shows only to users holding one of
its resource's function permissions (customers.pool.*, …), the buttons follow each action."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.views.flows import delete_flow, form_flow
from crm.customers import contract_rules
from crm.customers.forms_admin import (
    TAG_COLOURS,
    ContractRulesForm,
    CustomFieldForm,
    DuplicateRulesForm,
    PoolForm,
    TagForm,
    options_text,
)
from crm.customers.models import Customer, CustomField, DuplicateRuleKind, Pool, Tag
from crm.customers.permissions import CONTRACT_RULE, CUSTOM_FIELD, CUSTOMER, DUPLICATE_RULE, POOL, TAG
from crm.customers.services import config, duplicates
from crm.customers.services import pool as pools
from crm.identity.models import Department
from crm.identity.selectors import department_options

TABS = (
    ("pools", gettext_lazy("Public pools"), POOL, "customers:settings", "water"),
    ("tags", gettext_lazy("Tags"), TAG, "customers:settings_tags", "tags"),
    ("fields", gettext_lazy("Custom fields"), CUSTOM_FIELD, "customers:settings_fields", "input-cursor-text"),
    ("duplicates", gettext_lazy("Duplicate rules"), DUPLICATE_RULE, "customers:settings_duplicates", "intersect"),
    ("contracts", gettext_lazy("Contract statuses"), CONTRACT_RULE, "customers:settings_contracts", "file-check"),
)


def _may_open(access, resource: str) -> bool:
    return any(access.abilities(resource).values())


def _tabs(request, current: str) -> list[dict]:
    access = access_for(request.user)
    return [
        {"key": key, "label": label, "url": reverse(url_name), "icon": icon, "active": key == current}
        for key, label, resource, url_name, icon in TABS
        if _may_open(access, resource)
    ]


def _page(request, template: str, tab: str, context: dict, status: int = 200):
    return render(request, template, {"tabs": _tabs(request, tab), "tab": tab, **context}, status=status)


# --- public pools -------------------------------------------------------------------------------------------
@crm_view()
def settings_index(request):
    """The pools tab, or the first tab the user may open."""
    access = access_for(request.user)
    if _may_open(access, POOL):
        return _pool_list(request)
    for _key, _label, resource, url_name, _icon in TABS:
        if _may_open(access, resource):
            return redirect(url_name)
    raise PermissionDenied


def _pool_list(request):
    # One GROUP BY over the (pool, id) index, whatever the number of customers.
    counts = Customer.objects.filter(pool__isnull=False).order_by().values("pool_id").annotate(n=Count("id"))
    held = {row["pool_id"]: row["n"] for row in counts}
    rows = list(Pool.objects.prefetch_related("departments"))
    for row in rows:
        row.customer_count = held.get(row.pk, 0)
    may = access_for(request.user).abilities(POOL)
    return _page(request, "customers/settings/pools.html", "pools", {"pools": rows, "may": may})


def _departments(ids) -> list[Department]:
    return list(Department.objects.filter(pk__in=list(ids or [])))


def _pool_form_page(request, form, pool=None, status=200):
    return _page(request, "customers/settings/pool_form.html", "pools", {"form": form, "pool": pool}, status=status)


@crm_view(f"{POOL}.create", methods=("GET", "POST"))
@transaction.atomic
def pool_create(request):
    form = PoolForm(request.POST or None, department_choices=department_options())
    return form_flow(
        request,
        form,
        save=lambda: pools.pool_create(
            actor=request.user, data=form.service_data(), departments=_departments(form.cleaned_data["departments"])
        ),
        success=lambda created: _("Pool “%(name)s” created.") % {"name": created.name},
        done=reverse("customers:settings"),
        page=lambda status: _pool_form_page(request, form, status=status),
    )


@crm_view(f"{POOL}.edit", methods=("GET", "POST"))
def pool_edit(request, pk):
    pool = get_object_or_404(Pool, pk=pk)
    initial = {name: getattr(pool, name) for name in pools.POOL_FIELDS}
    initial["departments"] = list(pool.departments.values_list("pk", flat=True))
    form = PoolForm(request.POST or None, initial=initial, department_choices=department_options())
    return form_flow(
        request,
        form,
        save=lambda: pools.pool_update(
            actor=request.user,
            pool=pool,
            data=form.service_data(),
            departments=_departments(form.cleaned_data["departments"]),
        ),
        success=lambda saved: _("Pool “%(name)s” saved.") % {"name": saved.name},
        done=reverse("customers:settings"),
        page=lambda status: _pool_form_page(request, form, pool, status=status),
    )


@crm_view(f"{POOL}.delete", methods=("POST",))
def pool_delete(request, pk):
    pool = get_object_or_404(Pool, pk=pk)
    return delete_flow(
        request,
        delete=lambda: pools.pool_delete(actor=request.user, pool=pool),
        success=_("Pool “%(name)s” deleted.") % {"name": pool.name},
        done=reverse("customers:settings"),
    )


# --- tags --------------------------------------------------------------------------------------------------
@crm_view(f"{TAG}.*")
def tag_list(request):
    tags = list(Tag.objects.order_by("group", "sort_order", "name"))
    return _page(
        request,
        "customers/settings/tags.html",
        "tags",
        {"tags": tags, "may": access_for(request.user).abilities(TAG), "colours": TAG_COLOURS},
    )


def _tag_form_page(request, form, tag=None, status=200):
    groups = Tag.objects.exclude(group="").order_by("group").values_list("group", flat=True).distinct()
    context = {"form": form, "tag": tag, "groups": list(groups), "colours": TAG_COLOURS}
    return _page(request, "customers/settings/tag_form.html", "tags", context, status=status)


@crm_view(f"{TAG}.create", methods=("GET", "POST"))
def tag_create(request):
    form = TagForm(request.POST or None, initial={"color": "secondary", "sort_order": 0})
    return form_flow(
        request,
        form,
        save=lambda: config.tag_create(actor=request.user, **form.service_data()),
        success=lambda created: _("Tag “%(name)s” created.") % {"name": created.name},
        done=reverse("customers:settings_tags"),
        page=lambda status: _tag_form_page(request, form, status=status),
    )


@crm_view(f"{TAG}.edit", methods=("GET", "POST"))
def tag_edit(request, pk):
    tag = get_object_or_404(Tag, pk=pk)
    form = TagForm(request.POST or None, initial={name: getattr(tag, name) for name in config.TAG_FIELDS})
    return form_flow(
        request,
        form,
        save=lambda: config.tag_update(actor=request.user, tag=tag, data=form.service_data()),
        success=lambda saved: _("Tag “%(name)s” saved.") % {"name": saved.name},
        done=reverse("customers:settings_tags"),
        page=lambda status: _tag_form_page(request, form, tag, status=status),
    )


@crm_view(f"{TAG}.delete", methods=("POST",))
def tag_delete(request, pk):
    tag = get_object_or_404(Tag, pk=pk)
    return delete_flow(
        request,
        delete=lambda: config.tag_delete(actor=request.user, tag=tag),
        success=_("Tag “%(name)s” deleted.") % {"name": tag.name},
        done=reverse("customers:settings_tags"),
    )


# --- custom fields --------------------------------------------------------------------------------------------
def _resource_param(request) -> str:
    value = request.GET.get("resource", "customer")
    return value if value in dict(CustomField.RESOURCES) else "customer"


@crm_view(f"{CUSTOM_FIELD}.*")
def custom_field_list(request):
    resource = _resource_param(request)
    fields = list(CustomField.objects.filter(resource=resource).order_by("sort_order", "id"))
    return _page(
        request,
        "customers/settings/fields.html",
        "fields",
        {
            "fields": fields,
            "resource": resource,
            "resources": CustomField.RESOURCES,
            "may": access_for(request.user).abilities(CUSTOM_FIELD),
        },
    )


def _field_list_url(resource: str) -> str:
    return f"{reverse('customers:settings_fields')}?resource={resource}"


def _field_form_page(request, form, definition=None, status=200):
    context = {"form": form, "definition": definition}
    return _page(request, "customers/settings/field_form.html", "fields", context, status=status)


@crm_view(f"{CUSTOM_FIELD}.create", methods=("GET", "POST"))
def custom_field_create(request):
    initial = {"resource": _resource_param(request), "is_active": True, "sort_order": 0}
    form = CustomFieldForm(request.POST or None, initial=initial)
    return form_flow(
        request,
        form,
        save=lambda: config.custom_field_create(actor=request.user, data=form.service_data()),
        success=lambda created: _("Custom field “%(label)s” created.") % {"label": created.label},
        done=lambda created: _field_list_url(created.resource),
        page=lambda status: _field_form_page(request, form, status=status),
        # The model's (record type, key) uniqueness is the only whole-record check on create.
        field_map={"__all__": "key"},
    )


@crm_view(f"{CUSTOM_FIELD}.edit", methods=("GET", "POST"))
def custom_field_edit(request, pk):
    definition = get_object_or_404(CustomField, pk=pk)
    initial = {name: getattr(definition, name) for name in config.CUSTOM_FIELD_FIELDS}
    initial["options"] = options_text(definition.options)
    form = CustomFieldForm(request.POST or None, initial=initial, editing=True)
    return form_flow(
        request,
        form,
        save=lambda: config.custom_field_update(actor=request.user, definition=definition, data=form.service_data()),
        success=lambda saved: _("Custom field “%(label)s” saved.") % {"label": saved.label},
        done=lambda saved: _field_list_url(saved.resource),
        page=lambda status: _field_form_page(request, form, definition, status=status),
    )


@crm_view(f"{CUSTOM_FIELD}.edit", methods=("POST",))
def custom_field_toggle(request, pk):
    """Deactivate a field (its values stay, forms stop showing it) or activate it again."""
    definition = get_object_or_404(CustomField, pk=pk)
    config.custom_field_update(actor=request.user, definition=definition, data={"is_active": not definition.is_active})
    if definition.is_active:
        messages.success(request, _("Custom field “%(label)s” is active again.") % {"label": definition.label})
    else:
        messages.success(request, _("Custom field “%(label)s” deactivated.") % {"label": definition.label})
    return redirect(_field_list_url(definition.resource))


@crm_view(f"{CUSTOM_FIELD}.delete", methods=("POST",))
def custom_field_delete(request, pk):
    definition = get_object_or_404(CustomField, pk=pk)
    return delete_flow(
        request,
        delete=lambda: config.custom_field_delete(actor=request.user, definition=definition),
        success=_("Custom field “%(label)s” deleted.") % {"label": definition.label},
        done=_field_list_url(definition.resource),
    )


# --- duplicate rules -----------------------------------------------------------------------------------------
@crm_view(f"{DUPLICATE_RULE}.*", methods=("GET", "POST"))
def duplicate_rules(request):
    may = access_for(request.user).abilities(DUPLICATE_RULE)
    rules = duplicates.duplicate_rules()
    form = DuplicateRulesForm(request.POST or None, rules=rules)
    status = 200
    if request.method == "POST":
        if not may["edit"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():  # all the rules or none
                    for kind, mode, threshold in form.changes():
                        duplicates.duplicate_rule_set(actor=request.user, kind=kind, mode=mode, threshold=threshold)
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("Duplicate rules saved."))
                return redirect("customers:settings_duplicates")
        status = 400
    context = {
        "form": form,
        "may": may,
        "similar": DuplicateRuleKind.SIMILAR_NAME,
        "may_merge": access_for(request.user).can(f"{CUSTOMER}.merge"),
    }
    return _page(request, "customers/settings/duplicate_rules.html", "duplicates", context, status=status)


# --- contract status rules ----------------------------------------------------------------------------------
@crm_view(f"{CONTRACT_RULE}.*", methods=("GET", "POST"))
def contract_rules_page(request):
    """合同状态规则: what a contract needs before it may enter each status (issue 16 §3)."""
    may = access_for(request.user).abilities(CONTRACT_RULE)
    form = ContractRulesForm(request.POST or None, statuses=contract_rules.RULED_STATUSES,
                             requirements=contract_rules.requirements(), current=contract_rules.rules())
    status = 200
    if request.method == "POST":
        if not may["edit"]:
            raise PermissionDenied
        if form.is_valid():
            contract_rules.rules_save(actor=request.user, required=form.cleaned_data)
            messages.success(request, _("Contract status rules saved."))
            return redirect("customers:settings_contracts")
        status = 400
    return _page(request, "customers/settings/contract_rules.html", "contracts", {"form": form, "may": may},
                 status=status)
