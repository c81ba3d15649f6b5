"""The data dictionary (数据字典, DICT-1) and the province/city table (DICT-2).

Every picklist of the CRM comes from here. How another app uses it:

Categories — register yours when your app loads (from AppConfig.ready) and seed its items from
a data migration of your app:

    from crm.dictionary.categories import register_category
    register_category("payment_method", _("Payment method"))

    # yourapp/migrations/00xx_seed_payment_methods.py
    from crm.dictionary.seeding import CategorySeed, seed_items
    def forwards(apps, schema_editor):
        seed_items(apps.get_model("dictionary", "DictionaryItem"),
                   [CategorySeed("payment_method", (("银行转账", "bank"), ("现金", "cash")))])
    # dependencies: ("dictionary", "0002_seed")

Models — point at items with a PROTECT foreign key limited to one category, and at regions:

    from crm.dictionary.models import dictionary_fk, region_fk
    level = dictionary_fk("customer_level", verbose_name=_("level"), null=False)
    province = region_fk("province", verbose_name=_("province"))
    city = region_fk("city", verbose_name=_("city"))

  An item in use then cannot be deleted (the service answers Conflict; deactivate it instead).
  Code that depends on a particular item finds it by its stable value:
  `crm.dictionary.selectors.item_by_value("service_type", "3")` (投诉).

Forms — the picklist field and the province/city pair:

    from crm.dictionary.forms import CityField, DictionaryItemField, ProvinceField, RegionPairMixin

    class CustomerForm(RegionPairMixin, forms.Form):
        level = DictionaryItemField("customer_level", label=_("Level"))
        province = ProvinceField(required=False)
        city = CityField(required=False)

  `DictionaryItemField` offers the active items of its category, shown by entry; when editing a
  record whose item was deactivated since, call `form.fields["level"].keep(record.level)`.
  `RegionPairMixin.clean()` checks that the city lies in the province.

  In the template, render the pair with the partial (instead of the two fields):

    {% include "dictionary/partials/region_select.html" with province=form.province city=form.city %}

  It lists the chosen province's cities and, when the province changes, reloads the city options
  with htmx from `/dictionary/regions/cities/?province=<code>` (a province field with another
  name works too: the partial sends `?from=<field name>`). No script of your own is needed.

Reads without a user (picklists are not secret): `selectors.items(category)`,
`selectors.choices(category)` [(pk, entry)], `selectors.provinces()`, `selectors.cities(code)`.
API: /api/v1/dictionary-items/, /api/v1/dictionary-categories/, /api/v1/regions/.
"""
