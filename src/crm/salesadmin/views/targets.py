"""Sales targets against actuals (SADM-1): the board, setting a target, the monthly review."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.core.views.flows import dialog
from crm.salesadmin.forms import MonthField, PeriodForm, ReviewForm, TargetForm
from crm.salesadmin.models import Review
from crm.salesadmin.periods import month
from crm.salesadmin.permissions import TARGET
from crm.salesadmin.selectors import targets as selectors
from crm.salesadmin.services.targets import review_save, target_set


@crm_view(f"{TARGET}.view")
def target_board(request):
    departments = list(selectors.departments_in_scope(request.user).order_by("path"))
    form = PeriodForm(request.GET or None, departments=departments)
    span, period, department = form.chosen()
    access = access_for(request.user)
    context = {
        "form": form,
        "period": period,
        "span": span,
        "board": selectors.board(user=request.user, period=period, department=department),
        "may_set": access.can(f"{TARGET}.edit"),
        "may_export": access.can(f"{TARGET}.export"),
        "may_review": access.can(f"{TARGET}.review") and span == "month",
        "month": period.start.strftime("%Y-%m"),
    }
    return render(request, "salesadmin/targets.html", context, status=400 if form.errors else 200)


@crm_view(f"{TARGET}.edit", methods=("GET", "POST"))
def target_edit(request):
    people = list(selectors.people_in_scope(request.user).exclude(pk=request.user.pk).order_by("name", "id"))
    departments = list(selectors.departments_in_scope(request.user).order_by("path"))
    initial = {"month": month(timezone.localdate()).start, "user": request.GET.get("user"),
               "department": request.GET.get("department")}
    if request.GET.get("month"):
        initial["month"] = request.GET["month"]
    form = TargetForm(request.POST or None, initial=initial, people=people, departments=departments)

    def save():
        data = form.cleaned_data
        user = next((p for p in people if p.pk == data["user"]), None)
        department = next((d for d in departments if d.pk == data["department"]), None)
        return target_set(actor=request.user, month=data["month"], user=user, department=department, data=data)

    return dialog(request, form=form, title=_("Set a target"), save=save, success=_("Target saved."),
                  next_url=reverse("salesadmin:targets"), submit=_("Save"))


@crm_view(f"{TARGET}.review", methods=("GET", "POST"))
def review_edit(request, user_pk: int, month_text: str):
    person = selectors.people_in_scope(request.user).filter(pk=user_pk).first()
    try:
        form_month = MonthField().clean(month_text)
    except ValidationError:
        form_month = None
    if person is None or form_month is None:
        raise NotFound()
    existing = Review.objects.filter(user=person, month=form_month.replace(day=1)).first()
    form = ReviewForm(request.POST or None, initial={"score": getattr(existing, "score", None),
                                                    "comment": getattr(existing, "comment", "")})

    def save():
        return review_save(actor=request.user, user=person, month=form_month, score=form.cleaned_data["score"],
                           comment=form.cleaned_data["comment"])

    return dialog(request, form=form, title=_("Review of %(name)s, %(month)s") % {"name": person,
                                                                                  "month": month_text},
                  save=save, success=_("Review saved."),
                  next_url=reverse("salesadmin:targets") + f"?month={month_text}", submit=_("Save"))
