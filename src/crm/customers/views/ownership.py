"""Share (CUS-6), hand over (CUS-7), and the public pool (CUS-13): the pool page, claim,
release, and assigning pool customers to a manager."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import Conflict, DomainError
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import dialog, go, safe_next
from crm.customers.forms import HandoverForm, ReleaseForm, ShareForm
from crm.customers.models import Customer
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.customers import customer_get
from crm.customers.selectors.pool import pool_customers
from crm.customers.selectors.scope import assignable_managers, pools_open_to
from crm.customers.services import ownership, pool
from crm.identity.models import User


def _detail(customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


@crm_view(f"{CUSTOMER}.share", methods=("GET", "POST"))
def customer_share(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    form = ShareForm(request.POST or None)
    form.fields["users"].queryset = (
        User.objects.active()
        .exclude(pk=customer.manager_id)
        .select_related("department")
        .order_by("department__path", "name")
    )
    form.fields["users"].label_from_instance = lambda u: f"{u} · {u.department.name}" if u.department_id else str(u)

    def save():
        ownership.customer_share(
            actor=request.user,
            customer=customer,
            users=list(form.cleaned_data["users"]),
            can_edit=form.cleaned_data["can_edit"],
        )

    return dialog(
        request,
        form=form,
        title=_("Share %(name)s") % {"name": customer.name},
        intro=_("Colleagues you share with see the customer; with “may edit” they also work on it."),
        save=save,
        success=_("Shared."),
        next_url=_detail(customer),
        submit=_("Share"),
    )


@crm_view(f"{CUSTOMER}.share", methods=("POST",))
def customer_unshare(request, pk, user_id):
    customer = customer_get(user=request.user, pk=pk)
    user = get_object_or_404(User, pk=user_id)
    ownership.customer_unshare(actor=request.user, customer=customer, user=user)
    messages.success(request, _("%(name)s no longer shares this customer.") % {"name": user})
    return go(request, _detail(customer))


@crm_view(f"{CUSTOMER}.handover", methods=("GET", "POST"))
def customer_handover(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    form = HandoverForm(
        request.POST or None, managers=assignable_managers(request.user).exclude(pk=customer.manager_id)
    )

    def save():
        moved = ownership.customers_handover(
            actor=request.user,
            customers=[customer],
            to_manager=form.cleaned_data["manager"],
            note=form.cleaned_data["note"],
        )
        if not moved:
            raise Conflict(_("The customer could not be handed over."))

    return dialog(
        request,
        form=form,
        title=_("Hand over %(name)s") % {"name": customer.name},
        intro=_("The new manager gets the customer with its history, its contracts in progress and open work."),
        save=save,
        success=_("Handed over."),
        next_url=_detail(customer),
        submit=_("Hand over"),
    )


@crm_view(f"{CUSTOMER}.release", methods=("GET", "POST"))
def customer_release(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    form = ReleaseForm(request.POST or None)

    def save():
        pool.customer_release(actor=request.user, customer=customer, reason=form.cleaned_data["reason"])

    return dialog(
        request,
        form=form,
        title=_("Release %(name)s to the pool") % {"name": customer.name},
        intro=_("Colleagues can then claim it. You cannot claim it back for a while."),
        save=save,
        success=_("The customer is back in the pool."),
        next_url=reverse("customers:list"),
        submit=_("Release"),
    )


@crm_view(f"{CUSTOMER}.claim", methods=("POST",))
def customer_claim(request, pk):
    customer = get_object_or_404(Customer.objects.only("pk", "name"), pk=pk)
    try:
        pool.customer_claim(actor=request.user, customer=customer)
    except Conflict as exc:
        messages.error(request, exc.message)
        return go(request, safe_next(request, reverse("customers:pool")))
    messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    return go(request, _detail(customer))


@crm_view()
def pool_page(request):
    access = access_for(request.user)
    if not (access.can(f"{CUSTOMER}.claim") or access.can(f"{CUSTOMER}.assign")):
        raise PermissionDenied
    pools = pools_open_to(request.user)
    chosen = next((p for p in pools if str(p.pk) == request.GET.get("pool")), None)
    query = request.GET.get("q", "").strip()[:100]
    queryset = pool_customers(user=request.user, pool=chosen, query=query)
    page = CappedPaginator(queryset, 20).get_page(request.GET.get("page"))
    owned = Customer.objects.filter(manager=request.user).count()
    context = {
        "pools": pools,
        "chosen": chosen,
        "q": query,
        "page_obj": page,
        "customers": page.object_list,
        "owned": owned,
        "caps": {p.pk: p.claim_cap for p in pools},
        "may_claim": access.can(f"{CUSTOMER}.claim"),
        "may_assign": access.can(f"{CUSTOMER}.assign"),
        "assignable": assignable_managers(request.user) if access.can(f"{CUSTOMER}.assign") else [],
        "page_sizes": (20,),
        "page_size": 20,
    }
    return render(request, "customers/pool.html", context)


@crm_view(f"{CUSTOMER}.assign", methods=("GET", "POST"))
def pool_assign(request):
    raw = request.POST.getlist("ids") or request.GET.get("ids", "").split(",")
    ids = [int(v) for v in raw if str(v).isdigit()][:500]
    form = HandoverForm(
        request.POST if request.method == "POST" and "manager" in request.POST else None,
        managers=assignable_managers(request.user),
    )
    result = {}

    def save():
        result["count"] = pool.customers_assign_from_pool(
            actor=request.user, customers=ids, manager=form.cleaned_data["manager"]
        )

    response = dialog(
        request,
        form=form,
        title=_("Assign %(count)d pool customers") % {"count": len(ids)},
        save=save,
        success=_("Assigned."),
        next_url=reverse("customers:pool"),
        submit=_("Assign"),
    )
    return response


@crm_view(f"{CUSTOMER}.assign", methods=("POST",))
def pool_assign_bulk(request):
    """The pool page's bulk form: ticked customers to the chosen manager."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:500]
    form = HandoverForm(request.POST, managers=assignable_managers(request.user))
    if not ids or not form.is_valid():
        messages.warning(request, _("Tick customers and choose a manager."))
        return go(request, reverse("customers:pool"))
    try:
        count = pool.customers_assign_from_pool(actor=request.user, customers=ids, manager=form.cleaned_data["manager"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Assigned %(count)d customers to %(name)s.") % {"count": count, "name": form.cleaned_data["manager"]},
        )
    return go(request, safe_next(request, reverse("customers:pool")))
