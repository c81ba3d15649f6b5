"""Turning a cell's text into a field's value, with the reason in the user's language when it
does not fit; and the lookups rows are matched against (dictionary items by entry or value,
provinces and cities by name or short name, users by username or name), loaded once per run.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from crm.customers import normalise
from crm.customers.custom_fields import FALSE_WORDS, TRUE_WORDS
from crm.customers.custom_fields import convert as convert_custom
from crm.customers.custom_fields import display as display_custom
from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region, RegionLevel
from crm.dictionary.selectors import province_sales_regions
from crm.imports import registry as r

MAX_LISTED = 8
_REGION_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟",
)


def fold(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


def _region_keys(region: Region) -> set[str]:
    keys = {fold(region.name), fold(region.short_name)}
    for suffix in _REGION_SUFFIXES:
        if region.name.endswith(suffix) and len(region.name) - len(suffix) >= 2:
            keys.add(fold(region.name[: -len(suffix)]))
            break
    return {key for key in keys if key}


class Lookups:
    """What cells are matched against; each table is read once, when first needed."""

    def __init__(self, *, users=None):
        self._items: dict[str, dict] = {}
        self._provinces: dict | None = None
        self._cities: dict | None = None
        self._users_source = users  # a queryset of the users a row may name
        self._users: tuple[dict, dict] | None = None

    def load(self, specs) -> None:
        """Read now every table these fields' cells are matched against: an import converts
        cells between the rows of a COPY (crm.imports.reading), where no query may run."""
        for spec in specs:
            if spec.kind == r.DICTIONARY:
                self.items(spec.category)
            elif spec.kind in (r.PROVINCE, r.CITY):
                self.provinces()
            elif spec.kind == r.USER:
                self.users()

    # dictionary items: entry or value, active or not (an inactive one is refused by name)
    def items(self, category: str) -> dict:
        if category not in self._items:
            table: dict[str, DictionaryItem] = {}
            rows = DictionaryItem.objects.of(category).order_by("-is_active", "sort_order", "id")
            for item in rows:
                for key in (fold(item.entry), fold(item.value)):
                    table.setdefault(key, item)
            self._items[category] = table
        return self._items[category]

    def active_entries(self, category: str) -> list[str]:
        seen = []
        for item in self.items(category).values():
            if item.is_active and item.entry not in seen:
                seen.append(item.entry)
        return seen

    def provinces(self) -> dict:
        if self._provinces is None:
            self._provinces, self._cities = {}, {}
            regions = list(Region.objects.all())
            by_code = {region.code: region for region in regions}
            for region in regions:
                if region.level == RegionLevel.PROVINCE:
                    for key in _region_keys(region):
                        self._provinces.setdefault(key, region)
            for region in regions:
                if region.level == RegionLevel.CITY:
                    region.parent = by_code.get(region.parent_id)
                    for key in _region_keys(region):
                        self._cities.setdefault(key, []).append(region)
        return self._provinces

    def cities(self) -> dict:
        self.provinces()
        return self._cities

    def place(self, text):
        """The province (a Region) or the cities (a list) a cell names, else None: 浙江, 浙江省,
        宁波市, 杭州, and a province followed by one of its cities (浙江杭州, 浙江省 杭州市)."""
        key = re.sub(r"[\s\-/·,，、]+", "", fold(text))
        provinces, cities = self.provinces(), self.cities()
        if key in provinces or key in cities:
            return provinces.get(key) or cities[key]
        for size in range(2, len(key) - 1):
            province = provinces.get(key[:size])
            inside = [city for city in cities.get(key[size:], []) if province and city.parent_id == province.code]
            if inside:
                return inside
        return None

    def sales_region(self, province: Region) -> DictionaryItem | None:
        """The province's sales region (crm.dictionary.selectors.province_sales_regions), if active."""
        item = self.items(categories.REGION).get(province_sales_regions().get(province.short_name, ""))
        return item if item is not None and item.is_active else None

    def users(self) -> tuple[dict, dict]:
        """({username: user}, {name: [users]}) of the users rows may name."""
        if self._users is None:
            by_username: dict = {}
            by_name: dict = {}
            for user in self._users_source if self._users_source is not None else []:
                by_username[fold(user.username)] = user
                if user.name:
                    by_name.setdefault(fold(user.name), []).append(user)
            self._users = (by_username, by_name)
        return self._users


# --- converting ------------------------------------------------------------------------------------
def _text(spec, text: str) -> str:
    value = str(text).strip()
    if spec.max_length and len(value) > spec.max_length:
        raise ValueError(
            _("At most %(limit)d characters (this one has %(count)d).")
            % {
                "limit": spec.max_length,
                "count": len(value),
            }
        )
    return value


def _number_text(text: str) -> str:
    value = fold(text).replace(",", "").replace("，", "").replace(" ", "")
    for unit in ("万元", "万", "元", "¥", "￥", "rmb", "cny"):
        value = value.replace(unit, "")
    return value


def _integer(text: str) -> int:
    try:
        number = Decimal(_number_text(text))
    except InvalidOperation as exc:
        raise ValueError(_("Enter a whole number.")) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    return int(number)


def _rating(text: str) -> int:
    value = fold(text)
    stars = value.count("★")
    if stars and not value.replace("★", "").replace("☆", ""):
        number = stars
    else:
        value = re.sub(r"(星|分|级|stars?)$", "", value).strip()
        try:
            number = _integer(value)
        except ValueError:
            number = 0
    if not 1 <= number <= 5:
        raise ValueError(_("Enter a whole number from 1 to 5."))
    return number


def _decimal(spec, text: str) -> Decimal:
    try:
        number = Decimal(_number_text(text))
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if spec.decimal_places is not None:
        number = number.quantize(Decimal(1).scaleb(-spec.decimal_places))
    if spec.max_digits is not None and spec.decimal_places is not None:
        whole = spec.max_digits - spec.decimal_places
        if abs(number) >= Decimal(10) ** whole:
            raise ValueError(_("The number is too large."))
    return number


_DATE_SHAPES = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _date(text: str) -> datetime.date:
    value = fold(text)
    for shape in _DATE_SHAPES:
        match = shape.match(value)
        if match:
            try:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                break
    else:
        if re.fullmatch(r"\d{5}(\.0+)?", value):  # an Excel date serial left as a number
            return _EXCEL_EPOCH + datetime.timedelta(days=int(float(value)))
    raise ValueError(_("Enter a date as YYYY-MM-DD."))


def _boolean(text: str) -> bool:
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("Enter 是 or 否 (yes or no)."))


def _listing(options: list[str]) -> str:
    shown = "、".join(options[:MAX_LISTED])
    return shown + ("…" if len(options) > MAX_LISTED else "")


def _dictionary(spec, text: str, lookups: Lookups) -> DictionaryItem:
    item = lookups.items(spec.category).get(fold(text))
    if item is not None and item.is_active:
        return item
    label = categories.label(spec.category)
    if item is None:
        raise ValueError(
            _("“%(value)s” is not in the dictionary “%(category)s”. Use one of: %(options)s")
            % {
                "value": str(text).strip(),
                "category": label,
                "options": _listing(lookups.active_entries(spec.category)),
            }
        )
    if not item.is_active:
        raise ValueError(
            _("“%(value)s” is no longer used in “%(category)s”.") % {"value": item.entry, "category": label}
        )
    return item


def _province(text: str, lookups: Lookups) -> Region:
    region = lookups.provinces().get(fold(text))
    if region is None:
        raise ValueError(_("“%(value)s” is not a province of China.") % {"value": str(text).strip()})
    return region


def _city(text: str, lookups: Lookups) -> list[Region]:
    cities = lookups.cities().get(fold(text))
    if not cities:
        raise ValueError(_("“%(value)s” is not a city of China.") % {"value": str(text).strip()})
    return cities  # several when the name exists in more than one province; validate() decides


def _user(text: str, lookups: Lookups):
    by_username, by_name = lookups.users()
    key = fold(text)
    user = by_username.get(key)
    if user is not None:
        return user
    named = by_name.get(key, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise ValueError(
            _("Several users are called “%(value)s”: enter the username instead (%(usernames)s).")
            % {"value": str(text).strip(), "usernames": "、".join(u.username for u in named[:MAX_LISTED])}
        )
    raise ValueError(
        _("“%(value)s” is not a user you may name here (by username or name; within your data scope).")
        % {"value": str(text).strip()}
    )


def _choice(spec, text: str) -> str:
    value = fold(text)
    for choice, label in spec.choices:
        if value in (fold(choice), fold(label)):
            return choice
    raise ValueError(
        _("Use one of: %(options)s") % {"options": _listing([str(label) for _choice_value, label in spec.choices])}
    )


def convert(spec: r.FieldSpec, text, lookups: Lookups):
    """The value of one non-empty cell for a field; ValueError(message) when it does not fit."""
    kind = spec.kind
    if kind == r.TEXT:
        return _text(spec, text)
    if kind == r.INTEGER:
        return _integer(text)
    if kind == r.RATING:
        return _rating(text)
    if kind == r.DECIMAL:
        return _decimal(spec, text)
    if kind == r.DATE:
        return _date(text)
    if kind == r.BOOLEAN:
        return _boolean(text)
    if kind == r.EMAIL:
        value = _text(spec, text)
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValueError(_("Enter a valid e-mail address, such as name@example.com.")) from exc
        return value
    if kind in (r.PHONE, r.MOBILE):
        value = _text(spec, text)
        if kind == r.MOBILE and not normalise.is_mobile(value):
            raise ValueError(_("Enter a mainland mobile number of 11 digits, such as 138 1234 5678."))
        if not normalise.is_valid_phone(value):
            raise ValueError(_("Enter a valid phone number, such as 138 1234 5678 or 021-62345678."))
        return normalise.format_phone(value)
    if kind == r.URL:
        value = _text(spec, text)
        if not normalise.is_valid_website(value):
            raise ValueError(_("Enter a web address (http or https), such as www.example.com."))
        return value
    if kind == r.DICTIONARY:
        return _dictionary(spec, text, lookups)
    if kind == r.PROVINCE:
        return _province(text, lookups)
    if kind == r.CITY:
        return _city(text, lookups)
    if kind == r.USER:
        return _user(text, lookups)
    if kind == r.CHOICE:
        return _choice(spec, text)
    if kind == r.CUSTOM:
        value = convert_custom(spec.custom, str(text).strip())
        if value is None:
            raise ValueError(_("Not a valid value."))
        return value
    raise ValueError(_("Not a valid value."))


def display(spec: r.FieldSpec, value) -> str:
    """A converted value as the preview shows it."""
    if value is None:
        return ""
    if spec.kind == r.BOOLEAN:
        return _("Yes") if value else _("No")
    if spec.kind == r.CHOICE:
        return str(dict(spec.choices).get(value, value))
    if spec.kind == r.CUSTOM:
        return display_custom(spec.custom, value)
    if spec.kind == r.CITY and isinstance(value, list):
        return value[0].name if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
