"""Products (CMP-3) and news (CMP-2) on the competitor's page: added, edited and deleted in the
shared dialog; a record is always reached through its competitor (another one's: 404). Writing
them is editing the competitor, so the pages ask for `competitors.competitor.edit`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.competitors import selectors, services
from crm.competitors.forms import NewsForm, ProductForm
from crm.competitors.permissions import COMPETITOR
from crm.core.views.flows import delete_flow, dialog, safe_next

EDIT = f"{COMPETITOR}.edit"


def _page(request, competitor) -> str:
    return safe_next(request, reverse("competitors:detail", args=[competitor.pk]))


def _initial(record, fields) -> dict:
    return {name: getattr(record, name) for name in fields}


# --- products ---------------------------------------------------------------------------------------------------
@crm_view(EDIT, methods=("GET", "POST"))
def product_create(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    form = ProductForm(request.POST or None)
    return dialog(
        request,
        form=form,
        title=_("New product of %(name)s") % {"name": competitor.name},
        save=lambda: services.product_create(actor=request.user, competitor=competitor, data=form.service_data()),
        success=_("Product added."),
        next_url=_page(request, competitor),
    )


@crm_view(EDIT, methods=("GET", "POST"))
def product_edit(request, pk, product_pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    product = selectors.product_get(user=request.user, competitor=competitor, pk=product_pk)
    form = ProductForm(request.POST or None, initial=_initial(product, services.PRODUCT_FIELDS))
    return dialog(
        request,
        form=form,
        title=_("Edit product %(name)s") % {"name": product.name},
        save=lambda: services.product_update(actor=request.user, product=product, data=form.service_data()),
        success=_("Product saved."),
        next_url=_page(request, competitor),
    )


@crm_view(EDIT, methods=("POST",))
def product_delete(request, pk, product_pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    product = selectors.product_get(user=request.user, competitor=competitor, pk=product_pk)
    return delete_flow(
        request,
        delete=lambda: services.product_delete(actor=request.user, product=product),
        success=_("Product %(name)s deleted.") % {"name": product.name},
        done=_page(request, competitor),
    )


# --- news ---------------------------------------------------------------------------------------------------------
@crm_view(EDIT, methods=("GET", "POST"))
def news_create(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    form = NewsForm(request.POST or None)
    return dialog(
        request,
        form=form,
        title=_("News of %(name)s") % {"name": competitor.name},
        save=lambda: services.news_create(actor=request.user, competitor=competitor, data=form.service_data()),
        success=_("News added."),
        next_url=_page(request, competitor),
    )


@crm_view(EDIT, methods=("GET", "POST"))
def news_edit(request, pk, news_pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    news = selectors.news_get(user=request.user, competitor=competitor, pk=news_pk)
    form = NewsForm(request.POST or None, initial=_initial(news, services.NEWS_FIELDS))
    return dialog(
        request,
        form=form,
        title=_("Edit news"),
        save=lambda: services.news_update(actor=request.user, news=news, data=form.service_data()),
        success=_("News saved."),
        next_url=_page(request, competitor),
    )


@crm_view(EDIT, methods=("POST",))
def news_delete(request, pk, news_pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    news = selectors.news_get(user=request.user, competitor=competitor, pk=news_pk)
    return delete_flow(
        request,
        delete=lambda: services.news_delete(actor=request.user, news=news),
        success=_("News %(title)s deleted.") % {"title": news.title},
        done=_page(request, competitor),
    )
