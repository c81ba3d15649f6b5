"""The know-how board's search text: what a post is found by, and how a query is cut into terms.

A board holds hundreds to a few thousand posts, so a search is a substring match (LIKE) of every
term on one derived column, on SQLite and PostgreSQL alike: a two-character word such as 报价
finds every post containing it, with no dictionary to miss it. The column holds the folded text
(full width to half width, lower case) of the title, body and tags, then the title's pinyin in
full and as initials (客户拜访 → kehubaifang khbf), so `baifang` or `khbf` find it too. Should a
board grow past that, the knowledge base's full-text index (crm/knowledge/index.py) is the model.
"""

import re
import unicodedata

from pypinyin import lazy_pinyin

MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 8
MAX_TAGS = 10
MAX_TAG_CHARS = 20


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _pinyin(text: str) -> str:
    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.isalpha()]
    if not syllables:
        return ""
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables)}"


def search_text(title: str, body: str, tags: str) -> str:
    """The derived column a post is searched by (module docstring)."""
    return " ".join(part for part in (fold(title), fold(body), fold(tags), _pinyin(title)) if part)


def query_terms(query: str) -> list[str]:
    """The words of a search box, each matched as a substring; all must match."""
    terms = re.split(r"[\s,，、;；]+", fold(query)[:MAX_QUERY_CHARS])
    return list(dict.fromkeys(term for term in terms if term))[:MAX_QUERY_TERMS]


def tag_list(value) -> list[str]:
    """Tags from a list or a string typed with commas of either width, 、 or spaces: unique, in order."""
    if isinstance(value, list | tuple):
        value = ",".join(str(item) for item in value)
    return list(dict.fromkeys(t.strip() for t in re.split(r"[\s,，、;；#]+", value or "") if t.strip()))
