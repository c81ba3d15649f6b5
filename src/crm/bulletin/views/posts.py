"""The know-how board 销售经验: the list (search in Chinese and pinyin, tags, newest or most
liked), a post with its answers, write and change in the shared dialog, answer, like, delete."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.bulletin import permissions, selectors, services
from crm.bulletin.forms import AnswerForm, PostFilterForm, PostForm
from crm.bulletin.permissions import POST
from crm.core.errors import DomainError, PermissionDenied
from crm.core.htmx import is_htmx
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog, go

PAGE_SIZE = 20


@crm_view(f"{POST}.view")
def post_list(request):
    user = request.user
    form = PostFilterForm(request.GET or None)
    filters = form.valid_filters()
    page = CappedPaginator(selectors.post_list(user=user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "tags": selectors.tag_choices(user=user)[:20],
        "tag": filters.get("tag") or "",
        "searching": bool(filters.get("q")),
        "may_post": access_for(user).can(f"{POST}.create"),
    }
    return render(request, "bulletin/posts.html", context, status=400 if form.errors else 200)


@crm_view(f"{POST}.create", methods=("GET", "POST"))
def post_create(request):
    form = PostForm(request.POST or None)
    return dialog(
        request,
        form=form,
        title=_("Share a selling tip"),
        submit=_("Post"),
        save=lambda: services.post_create(actor=request.user, data=form.service_data()),
        success=lambda post: _("Posted %(title)s.") % {"title": post.title},
        next_url=lambda post: reverse("bulletin:post", args=[post.pk]),
        leave=True,
    )


@crm_view(f"{POST}.create", methods=("GET", "POST"))
def post_edit(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    if not permissions.may_change(request.user, post):
        raise PermissionDenied()
    initial = {"title": post.title, "body": post.body, "tags": ", ".join(post.tag_list)}
    form = PostForm(request.POST or None, initial=initial)
    return dialog(
        request,
        form=form,
        title=_("Edit %(title)s") % {"title": post.title},
        save=lambda: services.post_update(actor=request.user, post=post, data=form.service_data()),
        success=lambda saved: _("Saved %(title)s.") % {"title": saved.title},
        next_url=lambda saved: reverse("bulletin:post", args=[saved.pk]),
        leave=True,
    )


def _post_page(request, post, answer_form=None, status=200):
    user = request.user
    answers = [
        {"answer": answer, "may_delete": permissions.may_delete(user, answer)}
        for answer in selectors.answer_list(user=user, post=post)
    ]
    context = {
        "post": post,
        "answers": answers,
        "may": permissions.post_abilities(user, post),
        "answer_form": answer_form or AnswerForm(),
    }
    return render(request, "bulletin/post.html", context, status=status)


@crm_view(f"{POST}.view")
def post_detail(request, pk):
    return _post_page(request, selectors.post_get(user=request.user, pk=pk))


@crm_view(f"{POST}.create", methods=("POST",))
def answer_create(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _post_page(request, post, form, status=400)
    try:
        services.answer_create(actor=request.user, post=post, body=form.cleaned_data["body"])
    except DomainError as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, _("Answer posted."))
    return go(request, reverse("bulletin:post", args=[pk]))


@crm_view(f"{POST}.view", methods=("POST",))
def post_delete(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.post_delete(actor=request.user, post=post),
        success=_("Deleted %(title)s.") % {"title": post.title},
        done=reverse("bulletin:posts"),
        refused=reverse("bulletin:post", args=[pk]),
    )


@crm_view(f"{POST}.view", methods=("POST",))
def answer_delete(request, pk, answer_pk):
    post = selectors.post_get(user=request.user, pk=pk)
    answer = selectors.answer_get(user=request.user, post=post, pk=answer_pk)
    return delete_flow(
        request,
        delete=lambda: services.answer_delete(actor=request.user, answer=answer),
        success=_("Answer deleted."),
        done=reverse("bulletin:post", args=[pk]),
    )


def _liked(request, *, liked: bool, count: int, url: str, fallback: str):
    if is_htmx(request):
        return render(request, "bulletin/partials/like.html", {"liked": liked, "count": count, "url": url})
    return go(request, fallback)


@crm_view(f"{POST}.create", methods=("POST",))
def post_like(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    liked, count = services.post_like_toggle(actor=request.user, post=post)
    url = reverse("bulletin:post_like", args=[pk])
    return _liked(request, liked=liked, count=count, url=url, fallback=reverse("bulletin:post", args=[pk]))


@crm_view(f"{POST}.create", methods=("POST",))
def answer_like(request, pk, answer_pk):
    post = selectors.post_get(user=request.user, pk=pk)
    answer = selectors.answer_get(user=request.user, post=post, pk=answer_pk)
    liked, count = services.answer_like_toggle(actor=request.user, answer=answer)
    url = reverse("bulletin:answer_like", args=[pk, answer_pk])
    return _liked(request, liked=liked, count=count, url=url, fallback=reverse("bulletin:post", args=[pk]))
