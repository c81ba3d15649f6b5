"""The knowledge base beside a service (SRV-7): articles that match its summary and request,
suggested while it is handled (read lazily: segmenting Chinese takes a moment the first time),
and a solved service turned into a draft article in one step."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.knowledge.permissions import ARTICLE
from crm.knowledge.selectors import article_made_from, suggest
from crm.knowledge.services import article_from_solution
from crm.service import selectors
from crm.service.models import ServiceStatus
from crm.service.permissions import SERVICE

SUGGESTED = 5


@crm_view(f"{SERVICE}.view")
def service_articles(request, pk):
    service = selectors.service_get(user=request.user, pk=pk)
    access = access_for(request.user)
    context = {
        "service": service,
        "articles": suggest(f"{service.summary}\n{service.request}", SUGGESTED, user=request.user),
        "made": article_made_from(service.pk),
        "may_make": service.status == ServiceStatus.ARCHIVED and access.can(f"{ARTICLE}.create"),
    }
    return render(request, "service/partials/articles.html", context)


@crm_view(f"{SERVICE}.view", methods=("POST",))
def service_make_article(request, pk):
    """A draft article from an archived service: its summary as the title, the request as the
    problem, the last handling as the solution. Once per service: a second click opens the first."""
    service = selectors.service_get(user=request.user, pk=pk)
    access_for(request.user).require(f"{ARTICLE}.create")
    if service.status != ServiceStatus.ARCHIVED:
        raise Http404
    article = article_made_from(service.pk)
    if article is None:
        last = selectors.service_rounds(service=service)[-1:]
        article = article_from_solution(
            request.user,
            title=service.summary,
            problem=service.request,
            solution=last[0].handling if last else "",
            source_service_id=service.pk,
        )
        messages.success(request, _("A draft article was made from this service; check it and publish it."))
    return redirect("knowledge:detail", pk=article.pk)
