"""Knowledge-base pages 知识库 (SRV-7): the list (full-text search in Chinese and English, tag
filter, matched words marked in the title and a passage), an article's page, create and edit in
the shared dialog, publish and unpublish, delete after confirmation."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError, PermissionDenied
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog, go
from crm.knowledge import permissions, selectors, services, snippets
from crm.knowledge.forms import ArticleFilterForm, ArticleForm
from crm.knowledge.permissions import ARTICLE

PAGE_SIZE = 20


@crm_view(f"{ARTICLE}.view")
def article_list(request):
    user = request.user
    form = ArticleFilterForm(
        request.GET or None, tags=selectors.tag_choices(user=user), show_status=permissions.sees_drafts(user)
    )
    filters = form.valid_filters()
    queryset = selectors.article_list(user=user, filters=filters)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    terms = selectors.search_terms(filters.get("q") or "")
    rows = [
        {
            "article": article,
            "title": snippets.highlight(article.title, terms),
            "snippet": snippets.snippet([article.problem, article.solution], terms),
        }
        for article in page.object_list
    ]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "searching": bool(filters.get("q")),
        "may": access_for(user).abilities(ARTICLE),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "knowledge/list.html", context, status=status)


@crm_view(f"{ARTICLE}.create", methods=("GET", "POST"))
def article_create(request):
    form = ArticleForm(request.POST or None)
    return dialog(
        request,
        form=form,
        title=_("New knowledge article"),
        submit=_("Save draft"),
        intro=_("The article is saved as a draft; a supervisor publishes it."),
        save=lambda: services.article_create(actor=request.user, data=form.service_data()),
        success=lambda article: _("Draft %(title)s saved.") % {"title": article.title},
        next_url=lambda article: reverse("knowledge:detail", args=[article.pk]),
        leave=True,
    )


@crm_view(f"{ARTICLE}.view", methods=("GET", "POST"))
def article_edit(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    if not permissions.may_edit(request.user, article):
        raise PermissionDenied()
    initial = {name: getattr(article, name) for name in services.ARTICLE_FIELDS}
    form = ArticleForm(request.POST or None, initial=initial)
    return dialog(
        request,
        form=form,
        title=_("Edit %(title)s") % {"title": article.title},
        save=lambda: services.article_update(actor=request.user, article=article, data=form.service_data()),
        success=lambda saved: _("Article %(title)s saved.") % {"title": saved.title},
        next_url=lambda saved: reverse("knowledge:detail", args=[saved.pk]),
        leave=True,
    )


@crm_view(f"{ARTICLE}.view")
def article_detail(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    if services.article_viewed(article=article, reader=request.user):
        article.view_count += 1  # as counted in the database
    context = {"article": article, "may": permissions.abilities(request.user, article)}
    return render(request, "knowledge/detail.html", context)


def _status_change(request, pk, change, success: str):
    article = selectors.article_get(user=request.user, pk=pk)
    done = reverse("knowledge:detail", args=[pk])
    try:
        change(actor=request.user, article=article)
    except DomainError as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, success % {"title": article.title})
    return go(request, done)


@crm_view(f"{ARTICLE}.publish", methods=("POST",))
def article_publish(request, pk):
    return _status_change(request, pk, services.article_publish, _("Article %(title)s published."))


@crm_view(f"{ARTICLE}.publish", methods=("POST",))
def article_unpublish(request, pk):
    return _status_change(request, pk, services.article_unpublish, _("Article %(title)s is a draft again."))


@crm_view(f"{ARTICLE}.view", methods=("POST",))
def article_delete(request, pk):
    article = selectors.article_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.article_delete(actor=request.user, article=article),
        success=_("Article %(title)s deleted.") % {"title": article.title},
        done=reverse("knowledge:list"),
        refused=reverse("knowledge:detail", args=[pk]),
    )
