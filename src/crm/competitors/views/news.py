"""Latest competitor news 对手动态 (CMP-2), company-wide: newest first, searchable, paged."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.competitors import selectors
from crm.competitors.forms import NewsFilterForm
from crm.competitors.permissions import COMPETITOR
from crm.core.pagination import CappedPaginator

PAGE_SIZE = 20


@crm_view(f"{COMPETITOR}.view")
def latest_news(request):
    form = NewsFilterForm(request.GET or None, competitors=selectors.competitor_choices(request.user))
    queryset = selectors.latest_news(user=request.user, filters=form.valid_filters())
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "news": page.object_list,
        "may": access_for(request.user).abilities(COMPETITOR),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "competitors/news.html", context, status=status)
