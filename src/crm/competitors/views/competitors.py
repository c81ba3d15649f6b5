"""Competitors 竞争对手 (CMP-1): the list (search by name, pinyin or initials; filter by threat
level; paged; exported through crm.imports), the competitor's page with its profile, products and
news (each section reloads itself after a dialog saved), create and edit in the shared dialog,
delete after confirmation."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.competitors import selectors, services
from crm.competitors.forms import CompetitorFilterForm, CompetitorForm
from crm.competitors.models import ThreatLevel
from crm.competitors.permissions import COMPETITOR
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog

PAGE_SIZE = 20
SECTIONS = {
    "profile": "competitors/partials/profile.html",
    "products": "competitors/partials/products.html",
    "news": "competitors/partials/news.html",
}


@crm_view(f"{COMPETITOR}.view")
def competitor_list(request):
    form = CompetitorFilterForm(request.GET or None)
    queryset = selectors.competitor_list(user=request.user, filters=form.valid_filters())
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "competitors": page.object_list,
        "may": access_for(request.user).abilities(COMPETITOR),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "competitors/list.html", context, status=status)


def _dialog(request, form, *, save, title: str, message: str, submit: str = ""):
    return dialog(
        request,
        form=form,
        title=title,
        submit=submit,
        save=save,
        success=lambda competitor: message % {"name": competitor.name},
        next_url=lambda competitor: reverse("competitors:detail", args=[competitor.pk]),
    )


@crm_view(f"{COMPETITOR}.create", methods=("GET", "POST"))
def competitor_create(request):
    form = CompetitorForm(request.POST or None, initial={"threat_level": ThreatLevel.MEDIUM})
    return _dialog(
        request,
        form,
        save=lambda: services.competitor_create(actor=request.user, data=form.service_data()),
        title=_("New competitor"),
        message=_("Competitor %(name)s created."),
        submit=_("Create competitor"),
    )


@crm_view(f"{COMPETITOR}.edit", methods=("GET", "POST"))
def competitor_edit(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    initial = {name: getattr(competitor, name) for name in services.COMPETITOR_FIELDS}
    form = CompetitorForm(request.POST or None, initial=initial)
    return _dialog(
        request,
        form,
        save=lambda: services.competitor_update(actor=request.user, competitor=competitor, data=form.service_data()),
        title=_("Edit competitor %(name)s") % {"name": competitor.name},
        message=_("Competitor %(name)s saved."),
    )


def _context(request, competitor, *sections: str) -> dict:
    """What the page's sections show: only what `sections` need, so a reload reads little."""
    context = {"competitor": competitor, "may": access_for(request.user).abilities(COMPETITOR)}
    if "products" in sections:
        context["products"] = list(selectors.product_list(user=request.user, competitor=competitor))
    if "news" in sections:
        context["news"] = list(selectors.news_list(user=request.user, competitor=competitor))
    return context


@crm_view(f"{COMPETITOR}.view")
def competitor_detail(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    return render(request, "competitors/detail.html", _context(request, competitor, *SECTIONS))


@crm_view(f"{COMPETITOR}.view")
def competitor_section(request, pk, key):
    """One section of the competitor's page again (htmx, after a dialog saved)."""
    if key not in SECTIONS:
        raise Http404
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    return render(request, SECTIONS[key], _context(request, competitor, key))


@crm_view(f"{COMPETITOR}.delete", methods=("POST",))
def competitor_delete(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.competitor_delete(actor=request.user, competitor=competitor),
        success=_("Competitor %(name)s deleted.") % {"name": competitor.name},
        done=reverse("competitors:list"),
        refused=reverse("competitors:detail", args=[pk]),
    )
