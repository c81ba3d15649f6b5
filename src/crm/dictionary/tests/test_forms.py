"""The reusable picklist fields and the province/city pair other apps put on their forms."""

from django import forms
from django.template.loader import render_to_string

from crm.dictionary import categories
from crm.dictionary.forms import CityField, DictionaryItemField, ProvinceField, RegionPairMixin
from crm.dictionary.models import DictionaryItem, Region


class AddressForm(RegionPairMixin, forms.Form):
    level = DictionaryItemField("customer_level")
    province = ProvinceField(required=False)
    city = CityField(required=False)


def test_dictionary_item_field_offers_active_items_of_its_category_by_entry(db):
    form = AddressForm()
    field = form.fields["level"]
    labels = [label for value, label in field.choices if value]
    assert labels == ["普通客户", "大客户", "重点开发客户", "合作伙伴", "战略合作伙伴"]
    assert str(field.label) == str(categories.get("customer_level").label)
    big = DictionaryItem.objects.get(category="customer_level", value="2")
    big.is_active = False
    big.save()
    complaint = DictionaryItem.objects.get(category="service_type", value="3")
    assert not AddressForm({"level": big.pk}).is_valid()
    assert not AddressForm({"level": complaint.pk}).is_valid()
    # a record that already has the deactivated level keeps it valid when edited
    form = AddressForm({"level": big.pk})
    form.fields["level"].keep(big)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["level"] == big


def test_city_must_lie_in_the_province(db):
    level = DictionaryItem.objects.get(category="customer_level", value="1").pk
    assert AddressForm({"level": level, "province": "440000", "city": "440300"}).is_valid()
    form = AddressForm({"level": level, "province": "110000", "city": "440300"})
    assert not form.is_valid() and "city" in form.errors
    form = AddressForm({"level": level, "city": "440300"})
    assert not form.is_valid() and "city" in form.errors
    assert AddressForm({"level": level, "province": "810000"}).is_valid()


def test_region_select_partial_lists_the_cities_of_the_chosen_province(db):
    form = AddressForm(initial={"province": Region.objects.get(code="440000"), "city": "440300"})
    html = render_to_string(
        "dictionary/partials/region_select.html", {"province": form["province"], "city": form["city"]}
    )
    assert 'hx-get="/dictionary/regions/cities/"' in html
    assert 'hx-target="#id_city"' in html
    assert '<option value="440000" selected>广东省</option>' in html
    assert '<option value="440300" selected>深圳市</option>' in html
    assert "110100" not in html  # Beijing's cities are not offered for Guangdong
    empty = render_to_string(
        "dictionary/partials/region_select.html", {"province": AddressForm()["province"], "city": AddressForm()["city"]}
    )
    assert empty.count("<option") == 35 + 1  # blank + 34 provinces, and the blank city


def test_region_select_partial_keeps_posted_values(db):
    form = AddressForm({"province": "110000", "city": "110100"})
    html = render_to_string(
        "dictionary/partials/region_select.html", {"province": form["province"], "city": form["city"]}
    )
    assert '<option value="110100" selected>北京市</option>' in html
