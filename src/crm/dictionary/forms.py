"""The management form, and the reusable picklist fields other apps put on their forms.

    from crm.dictionary.forms import DictionaryItemField, ProvinceField, CityField, RegionPairMixin

    class CustomerForm(RegionPairMixin, forms.Form):
        level = DictionaryItemField("customer_level", label=_("Level"))
        province = ProvinceField(required=False)
        city = CityField(required=False)

Render the province/city pair with {% include "dictionary/partials/region_select.html" %}
(see crm.dictionary's package docstring).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region, RegionLevel
from crm.dictionary.selectors import item_map, region_map


class DictionaryItemForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), widget=forms.Select(attrs={"class": "form-select"}))
    entry = forms.CharField(
        label=_("Entry"),
        max_length=50,
        help_text=_("What people see in the picklist."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=50,
        help_text=_("A short stable code, unique within the category, such as 2 or vip."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    sort_order = forms.IntegerField(
        label=_("Sort order"),
        required=False,
        initial=0,
        min_value=-100000,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    is_active = forms.BooleanField(
        label=_("Active (offered in picklists)"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    editable = forms.BooleanField(
        label=_("Editable"),
        required=False,
        initial=True,
        help_text=_("Untick to lock the item: it can then be viewed, but no longer changed or deleted."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------"), *categories.choices()]

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class DictionaryItemField(forms.ModelChoiceField):
    """A select of the active items of one category; options show the entry.

    When editing a record whose item was deactivated since, call `field.keep(item)` so the
    current value stays valid and visible.
    """

    def __init__(self, category: str, **kwargs):
        self.category = category
        kwargs.setdefault("label", categories.get(category).label if categories.is_registered(category) else None)
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        self.kept: set[int] = set()
        queryset = DictionaryItem.objects.of(category).active().order_by("sort_order", "id")
        super().__init__(queryset=queryset, **kwargs)
        self.iterator = _HeldItems  # options from the items every process holds: no query per select

    def label_from_instance(self, obj) -> str:
        return obj.entry

    def keep(self, item: DictionaryItem | None) -> None:
        if item is not None and item.category == self.category:
            self.kept.add(item.pk)
            self.queryset = DictionaryItem.objects.of(self.category).filter(
                pk__in=[*self.queryset.values_list("pk", flat=True), item.pk]
            )


class _HeldItems(forms.models.ModelChoiceIterator):
    """A category's active items (and any kept inactive one) from crm.dictionary.selectors.item_map."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        held = [i for i in item_map().values() if i.category == field.category and (i.is_active or i.pk in field.kept)]
        for item in sorted(held, key=lambda i: (i.sort_order, i.pk)):
            yield self.choice(item)

    def __len__(self):
        return sum(1 for _choice in self)


class ProvinceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Province"))
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(queryset=Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code"), **kwargs)
        self.iterator = _HeldProvinces

    def label_from_instance(self, obj) -> str:
        return obj.name


class _HeldProvinces(forms.models.ModelChoiceIterator):
    """The provinces from crm.dictionary.selectors.region_map: no query per select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        provinces = (region for region in region_map().values() if region.level == RegionLevel.PROVINCE)
        for region in sorted(provinces, key=lambda region: region.code):
            yield self.choice(region)

    def __len__(self):
        return sum(1 for _choice in self)


class CityField(forms.ModelChoiceField):
    """Accepts any city; RegionPairMixin checks that it lies in the chosen province.

    Rendered by the region_select partial, which lists only the chosen province's cities.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("City"))
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(queryset=Region.objects.filter(level=RegionLevel.CITY).order_by("code"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


class RegionPairMixin:
    """For forms with a ProvinceField and a CityField: the city must belong to the province."""

    province_field_name = "province"
    city_field_name = "city"

    def clean(self):
        cleaned = super().clean()
        province = cleaned.get(self.province_field_name)
        city = cleaned.get(self.city_field_name)
        if city is not None and (province is None or city.parent_id != province.pk):
            self.add_error(self.city_field_name, _("The city is not in the selected province."))
        return cleaned
