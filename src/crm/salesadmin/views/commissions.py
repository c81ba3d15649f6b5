"""Commissions 提成 (SADM-4): the month per salesperson with calculate, review and lock; a line's
computation explained; adjustments; the rules (administrators)."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.core.views.flows import delete_flow, dialog
from crm.identity.models import User
from crm.salesadmin.commission_forms import AdjustmentForm, MonthForm, RuleForm
from crm.salesadmin.commission_models import MONTH_STATES
from crm.salesadmin.forms import MonthField
from crm.salesadmin.models import LineKind, MonthStatus
from crm.salesadmin.periods import add_months
from crm.salesadmin.permissions import COMMISSION, COMMISSION_RULE
from crm.salesadmin.selectors import commissions as selectors
from crm.salesadmin.services import commissions as services


def _month(month_text: str) -> datetime.date:
    try:
        return MonthField().clean(month_text).replace(day=1)
    except ValidationError:
        raise NotFound() from None


def _month_url(day: datetime.date) -> str:
    return reverse("salesadmin:commissions") + f"?month={day:%Y-%m}"


@crm_view(f"{COMMISSION}.view")
def commission_month(request):
    form = MonthForm(request.GET or None)
    chosen = form.cleaned_data.get("month") if form.is_valid() else None
    day = (chosen or add_months(timezone.localdate().replace(day=1), -1)).replace(day=1)
    row = selectors.month_find(day)
    access = access_for(request.user)
    steps = MONTH_STATES.actions(row.status if row else MonthStatus.DRAFT)
    context = {
        "form": form, "day": day, "month_text": f"{day:%Y-%m}", "row": row,
        "view": selectors.month_view(user=request.user, period=row),
        "may_calculate": access.can(f"{COMMISSION}.calculate") and "calculate" in steps,
        "may_adjust": access.can(f"{COMMISSION}.calculate"),
        "may_export": access.can(f"{COMMISSION}.export"),
        "may_review": access.can(f"{COMMISSION}.review") and row is not None and row.calculated_at is not None
        and "review" in steps,
        "may_lock": access.can(f"{COMMISSION}.lock") and row is not None and "lock" in steps,
        "may_rules": access.can(f"{COMMISSION_RULE}.view"),
        "previous": f"{add_months(day, -1):%Y-%m}", "next": f"{add_months(day, 1):%Y-%m}",
    }
    return render(request, "salesadmin/commission_month.html", context, status=400 if form.errors else 200)


def _month_step(request, month_text: str, step, success: str):
    day = _month(month_text)
    return delete_flow(request, delete=lambda: step(actor=request.user, month=day), success=success,
                       done=_month_url(day))


@crm_view(f"{COMMISSION}.calculate", methods=("POST",))
def commission_calculate(request, month_text: str):
    return _month_step(request, month_text, services.month_calculate, _("Commissions calculated."))


@crm_view(f"{COMMISSION}.review", methods=("POST",))
def commission_review(request, month_text: str):
    return _month_step(request, month_text, services.month_review, _("Month marked reviewed."))


@crm_view(f"{COMMISSION}.lock", methods=("POST",))
def commission_lock(request, month_text: str):
    return _month_step(request, month_text, services.month_lock, _("Month locked."))


@crm_view(f"{COMMISSION}.calculate", methods=("GET", "POST"))
def commission_adjust(request, month_text: str):
    day = _month(month_text)
    people = list(access_for(request.user).users_in_scope(COMMISSION, User.objects.filter(is_active=True))
                  .order_by("name", "id"))
    form = AdjustmentForm(request.POST or None, initial={"user": request.GET.get("user")}, people=people)
    row = selectors.month_find(day)
    intro = ""
    if row is not None and row.status == MonthStatus.LOCKED:
        intro = _("%(month)s is locked: the correction goes into the next month that is not.") % {"month": row}

    def save():
        data = form.cleaned_data
        user = next(p for p in people if p.pk == data["user"])
        return services.adjustment_add(actor=request.user, month=day, user=user, amount=data["amount"],
                                       reason=data["reason"])

    return dialog(request, form=form, title=_("Adjustment"), save=save, intro=intro,
                  success=lambda line: _("Adjustment added to %(month)s.") % {"month": line.period},
                  next_url=lambda line: _month_url(line.period.month), submit=_("Save"))


@crm_view(f"{COMMISSION}.view")
def commission_line(request, pk: int):
    line = selectors.line_get(user=request.user, pk=pk)
    access = access_for(request.user)
    context = {"line": line, "explanation": line.explanation, "is_rule": line.kind == LineKind.RULE,
               "may_delete": line.kind == LineKind.ADJUSTMENT and line.period.status != MonthStatus.LOCKED
               and access.can(f"{COMMISSION}.calculate"),
               "back": _month_url(line.period.month)}
    return render(request, "salesadmin/commission_line.html", context)


@crm_view(f"{COMMISSION}.calculate", methods=("POST",))
def commission_line_delete(request, pk: int):
    line = selectors.line_get(user=request.user, pk=pk)
    return delete_flow(request, delete=lambda: services.adjustment_delete(actor=request.user, line=line),
                       success=_("Adjustment deleted."), done=_month_url(line.period.month),
                       refused=reverse("salesadmin:commission_line", args=[line.pk]))


@crm_view(f"{COMMISSION_RULE}.view")
def commission_rules(request):
    context = {"rules": selectors.rule_list(user=request.user),
               "may_manage": access_for(request.user).can(f"{COMMISSION_RULE}.manage")}
    return render(request, "salesadmin/commission_rules.html", context)


def _rule_dialog(request, rule=None):
    categories = services.product_categories()
    if rule is not None and rule.category and rule.category not in categories:
        categories.append(rule.category)
    initial = RuleForm.initial_of(rule) if rule else {"tier_from_0": 0, "active": True}
    form = RuleForm(request.POST or None, initial=initial, categories=categories)

    def save():
        data = {**form.cleaned_data, "tiers": form.tiers()}
        return services.rule_save(actor=request.user, data=data, rule=rule)

    return dialog(request, form=form, title=_("Commission rule"), save=save, success=_("Rule saved."),
                  next_url=reverse("salesadmin:commission_rules"), submit=_("Save"),
                  intro=_("A tier applies from its attainment of the month's target (inclusive) up to the next "
                          "tier's. Without a target the first tier applies."))


@crm_view(f"{COMMISSION_RULE}.manage", methods=("GET", "POST"))
def commission_rule_create(request):
    return _rule_dialog(request)


@crm_view(f"{COMMISSION_RULE}.manage", methods=("GET", "POST"))
def commission_rule_edit(request, pk: int):
    return _rule_dialog(request, selectors.rule_get(user=request.user, pk=pk))
