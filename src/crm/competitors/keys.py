"""What is derived from a competitor's name and from the web addresses people type.

- the name key: full/half width, case and every kind of space ignored, so "ＡＢＣ 科技" and
  "abc科技" are one competitor (the database holds the key unique);
- the search text: the folded name, its pinyin and its initials (华为 → "华为 huawei hw"), so the
  list finds a competitor by characters, pinyin or initials;
- web addresses: http or https only; a bare host (www.example.com) is read as https.

Pure functions: models, services, forms and the API share them.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

SCHEMES = ("http", "https")
WEBSITE_MESSAGE = _("Enter a web address (http or https), such as www.example.com.")


def fold(text: str) -> str:
    """Full width to half width, lower case, no spaces of any kind."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def name_key(name: str) -> str:
    return fold(name)


def search_text(name: str) -> str:
    folded = fold(name)
    syllables = [s for s in lazy_pinyin(folded, style=Style.NORMAL, errors="default") if s.strip()]
    initials = "".join(s[0] for s in syllables if s[0].isalnum())
    return " ".join(part for part in (folded, "".join(syllables), initials) if part)


def validate_web_address(value: str) -> None:
    """A model validator: an address with a scheme other than http or https is refused."""
    if value:
        URLValidator(schemes=SCHEMES, message=WEBSITE_MESSAGE, code="web_address")(value)


def web_address(value: str) -> str:
    """What a person typed, as a full address: stripped, a bare host prefixed with https://. Left
    for the validator to judge otherwise (ftp://… or javascript:… stay refused)."""
    value = (value or "").strip()
    head = value.split("/", 1)[0]
    names_a_scheme = ":" in head and "." not in head.split(":", 1)[0]  # mailto:…, but not example.com:8080
    if value and "://" not in value and not names_a_scheme:
        value = f"https://{value}"
    return value


def is_web_address(value: str) -> bool:
    try:
        validate_web_address(web_address(value))
    except ValidationError:
        return False
    return True
