"""The data dictionary management pages (DICT-1, s003/5 §3.5.1): list, create, edit, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.views.flows import delete_flow, safe_next
from crm.dictionary import categories, selectors, services
from crm.dictionary.forms import DictionaryItemForm

PAGE_SIZE = 25


@crm_view("dictionary.item.view")
def item_list(request):
    category = request.GET.get("category", "")
    if not categories.is_registered(category):
        category = ""
    search = request.GET.get("q", "").strip()[:100]
    queryset = selectors.item_list(user=request.user, category=category, search=search)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    access = access_for(request.user)
    return render(
        request,
        "dictionary/item_list.html",
        {
            "page_obj": page_obj,
            "items": page_obj.object_list,
            "category_choices": categories.choices(),
            "category": category,
            "q": search,
            "may_create": access.can("dictionary.item.create"),
            "may_edit": access.can("dictionary.item.edit"),
            "may_delete": access.can("dictionary.item.delete"),
        },
    )


@crm_view("dictionary.item.create", methods=("GET", "POST"))
def item_create(request):
    category = request.GET.get("category", "")
    initial = {"category": category if categories.is_registered(category) else "", "is_active": True, "editable": True}
    form = DictionaryItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Dictionary item “%(entry)s” added.") % {"entry": item.entry})
            return redirect(f"{_list_url()}?category={item.category}")
    return render(request, "dictionary/item_form.html", {"form": form, "item": None})


@crm_view("dictionary.item.edit", methods=("GET", "POST"))
def item_edit(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    initial = {
        "category": item.category,
        "entry": item.entry,
        "value": item.value,
        "sort_order": item.sort_order,
        "is_active": item.is_active,
        "editable": item.editable,
    }
    form = DictionaryItemForm(request.POST or None, initial=initial)
    if not item.editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_update(actor=request.user, item=item, data=form.cleaned_data)
        except DomainError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Dictionary item “%(entry)s” saved.") % {"entry": item.entry})
            return redirect(f"{_list_url()}?category={item.category}")
    return render(request, "dictionary/item_form.html", {"form": form, "item": item})


@crm_view("dictionary.item.delete", methods=("POST",))
def item_delete(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.item_delete(actor=request.user, item=item),
        success=_("Dictionary item “%(entry)s” deleted.") % {"entry": item.entry},
        done=safe_next(request, _list_url()),
    )


def _list_url() -> str:
    return reverse("dictionary:item_list")


def _add_errors(form, exc: DomainError) -> None:
    """Put a service's error on the form: on its fields when it names them, else on top."""
    placed = False
    for name, field_messages in exc.fields.items():
        if name in form.fields:
            for message in field_messages if isinstance(field_messages, list | tuple) else [field_messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
