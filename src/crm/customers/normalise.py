"""Keys that make two ways of writing the same thing equal, for the duplicate check (CUS-8).

- company names: full/half width, case, spaces and punctuation, legal-form suffixes
  (有限公司, 股份有限公司, 集团, Co., Ltd. …) and a leading province or city (北京, 上海市 …)
  are ignored: "上海 华信科技（集团）股份有限公司" and "华信科技有限公司" have the same key;
- phone numbers: +86 / 0086, spaces, dashes, brackets and extensions are ignored, so
  "+86 138-1234-5678" and "13812345678" are equal, as are "(021) 6234 5678" and "021-62345678";
- e-mail addresses: case and surrounding spaces;
- 统一社会信用代码 (GB 32100-2015): upper case, and the check character is verified.

Pure functions: no database, so imports, the API and the forms share them.
"""

import json
import re
import unicodedata
from functools import cache, lru_cache

from crm.customers.tokens import is_cjk, pinyin_syllables, runs
from crm.dictionary.seeding import REGIONS_FILE

# Longest first, so 股份有限公司 goes before 有限公司. Applied repeatedly from the end.
LEGAL_SUFFIXES = sorted(
    {
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "集团股份有限公司",
        "控股有限公司",
        "有限公司",
        "股份公司",
        "集团公司",
        "控股集团",
        "集团",
        "总公司",
        "公司",
        "有限合伙",
        "合伙企业",
        "co.,ltd.",
        "co.,ltd",
        "co.ltd",
        "coltd",
        "co.",
        "ltd.",
        "ltd",
        "limited",
        "inc.",
        "inc",
        "corporation",
        "corp.",
        "corp",
        "group",
        "company",
    },
    key=len,
    reverse=True,
)
# A region prefix is dropped only when at least this many characters remain, so that
# 北京大学 and 上海大学 stay apart while 北京华信科技 and 华信科技 meet.
MIN_CORE_AFTER_REGION = 3
_PUNCTUATION = re.compile(r"[\s\-_·•.,，。、:：;；'\"“”‘’!！?？/\\|()（）\[\]【】{}<>《》&＆+*#@~`^%$]+")
_PARENTHESES = re.compile(r"[（(]([^（）()]*)[）)]")
_REGION_SUFFIXES = (
    "特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "地区", "省", "市", "盟",
)


def fold(text: str) -> str:
    """Full width to half width (NFKC), lower case, no surrounding spaces."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


@cache
def _region_names() -> tuple[str, ...]:
    """Province and city names with and without 省/市, longest first (北京市 before 北京)."""
    with open(REGIONS_FILE, encoding="utf-8") as handle:
        provinces = json.load(handle)
    names: set[str] = set()
    for province in provinces:
        for name in (province["name"], province.get("short", ""), *(c["name"] for c in province.get("cities", []))):
            if not name:
                continue
            names.add(name)
            for suffix in _REGION_SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    names.add(name[: -len(suffix)])
                    break
    return tuple(sorted(names, key=len, reverse=True))


@cache
def _region_set() -> frozenset[str]:
    return frozenset(_region_names())


def _strip_region_parentheses(text: str) -> str:
    """华信科技（北京）有限公司 -> 华信科技有限公司: a bracketed region names a place, not a company."""
    if "(" not in text and "（" not in text:
        return text
    regions = _region_set()
    return _PARENTHESES.sub(lambda m: "" if m.group(1).strip() in regions else m.group(0), text)


def _strip_suffixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text


@cache
def _regions_by_first_char() -> dict[str, tuple[str, ...]]:
    """The region names by their first character, longest first: a name is compared with the
    few regions that could start it, not with all seven hundred (imports check 10,000 a second)."""
    index: dict[str, list[str]] = {}
    for name in _region_names():
        index.setdefault(name[0], []).append(name)
    return {char: tuple(names) for char, names in index.items()}


def _strip_region_prefix(text: str) -> str:
    regions = _regions_by_first_char()
    for _round in range(2):  # 广东省深圳市华信 -> 深圳市华信 -> 华信
        for region in regions.get(text[:1], ()):
            if text.startswith(region) and len(text) - len(region) >= MIN_CORE_AFTER_REGION:
                text = text[len(region) :]
                break
        else:
            break
    return text


def name_key(name: str) -> str:
    """The comparable core of a company name (empty when nothing is left)."""
    text = _strip_region_parentheses(fold(name))
    text = _PUNCTUATION.sub("", text)
    text = _strip_suffixes(text)
    text = _strip_region_prefix(text)
    return text


BRAND_LATIN = 4  # a brand of letters or digits is compared on its first characters


def brand_keys(key: str) -> tuple[str, str]:
    """The brand (字号) of a name key and how it sounds, for the similar-name candidates:
    ("华信", "huaxin") for 华信科技; ("华星", "huaxin") for 华星科技 too, as the sound folds a final
    -ng into -n (xing/xin, the 模糊音 most speakers blur); ("360", "") for 360安全科技.

    Chinese company names differ in their trade words (科技, 物业管理) far more than in their
    brand, so a likeness of the whole name mostly finds companies of the same trade; the brand
    is where a second record of the same company agrees (华信科技 / 华信网络科技 / 华欣科技).
    Empty strings when the key has no brand (one Chinese character, two letters)."""
    parts = runs(key)
    if not parts:
        return "", ""
    first = parts[0]
    if not is_cjk(first):
        return (first[:BRAND_LATIN] if len(first) >= 3 else ""), ""
    if len(first) < 2:
        return "", ""
    syllables = pinyin_syllables(first[:2])
    sound = "".join(s[:-1] if s.endswith("ng") else s for s in syllables) if len(syllables) == 2 else ""
    return first[:2], sound


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", fold(phone))


_EXTENSION = re.compile(r"(转|ext\.?|x|#)\s*\d{1,6}$")


@lru_cache(maxsize=4096)  # a row asks for its phone's key several times (keys, tokens)
def phone_key(phone: str) -> str:
    """A phone number as comparable digits: mobile 13812345678, landline 02162345678, 4008001234.

    Empty when the text holds no plausible number.
    """
    text = _EXTENSION.sub("", fold(phone))
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) in (12, 13):
        digits = digits[2:]
    if len(digits) in (10, 11) and not digits.startswith(("0", "1", "400", "800")):
        digits = "0" + digits  # +86 21 6234 5678: the area code lost its leading zero
    if len(digits) < 7 or len(digits) > 12:
        return ""
    return digits


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
SERVICE_NUMBER = re.compile(r"^(400|800)\d{7}$")
LOCAL_NUMBER = re.compile(r"^[2-9]\d{6,7}$")


def is_valid_phone(phone: str) -> bool:
    """A mainland mobile, a landline with area code, a 400/800 number, or a local 7–8 digit number."""
    key = phone_key(phone)
    return bool(key) and any(p.match(key) for p in (MOBILE, LANDLINE, SERVICE_NUMBER, LOCAL_NUMBER))


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.match(phone_key(phone)))


def format_phone(phone: str) -> str:
    """How a valid number is stored and shown: 138 1234 5678, 021-62345678, 400-800-1234."""
    key = phone_key(phone)
    extension = _EXTENSION.search(fold(phone))
    suffix = " 转" + re.sub(r"\D", "", extension.group(0)) if extension else ""
    if MOBILE.match(key):
        return f"{key[:3]} {key[3:7]} {key[7:]}"
    if SERVICE_NUMBER.match(key):
        return f"{key[:3]}-{key[3:6]}-{key[6:]}" + suffix
    if LANDLINE.match(key):
        area = 3 if key[1] in "12" else 4  # 010, 02x are three digits; others four
        return f"{key[:area]}-{key[area:]}" + suffix
    return (phone or "").strip()


def email_key(email: str) -> str:
    return fold(email)


# --- 统一社会信用代码 (GB 32100-2015) ---------------------------------------------------------------
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_key(code: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", code or "")).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """18 characters: registration authority, type, region code, organisation code, check character."""
    code = credit_code_key(code)
    if not _CREDIT_CODE_SHAPE.match(code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


# javascript:, data:, mailto: … but not a host with a port (example.com:8080)
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


def is_valid_website(text: str) -> bool:
    """A web address: http or https, or a bare host such as www.example.com (read as http)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    value = text.strip()
    if "://" not in value:
        if _OTHER_SCHEME.match(value):
            return False
        value = f"http://{value}"
    try:
        URLValidator(schemes=("http", "https"))(value)
    except ValidationError:
        return False
    return True
