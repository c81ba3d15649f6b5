"""Search tokens: how a customer is found by name fragment, pinyin, initials, phone or number.

One tokenizer for both databases: the tokens of a customer are stored as text (space-separated)
and indexed by SQLite's FTS5 or PostgreSQL's GIN over a tsvector; a query becomes tokens the
same way and all of them must match (prefix tokens end in `*`).

- Chinese text (company and contact names): overlapping pairs of characters (华信 信科 科技 …)
  and the last character alone, so any fragment of two or more characters is an AND of pairs,
  and a single character is a prefix match.
- Pinyin of the company name, once per syllable start: beijinghuaxin…, jinghuaxin…, huaxin…, so
  a pinyin fragment that starts at a syllable (`huaxinke`) is a prefix match; the same for the
  initials (bjhxkj…, jhxkj…, hxkj…).
- Phone digits, once per position (suffixes of four or more digits): any fragment of three or
  more digits is a prefix match.
- Latin words, the record number and the credit code, whole.

Pinyin costs about 0.05 ms per name, so tokens are computed on write, never at query time.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from pypinyin import Style
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"^[{_CJK}]+$")
MAX_TOKEN = 40
MIN_PHONE_SUFFIX = 4


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[str]:
    return _RUNS.findall(_fold(text))


def is_cjk(run: str) -> bool:
    """Whether a run (from `runs`) is Chinese characters, not letters or digits."""
    return bool(_IS_CJK.match(run))


def text_tokens(text: str) -> set[str]:
    tokens: set[str] = set()
    for run in runs(text):
        if _IS_CJK.match(run):
            tokens.update(run[i : i + 2] for i in range(len(run) - 1))
            tokens.add(run[-1])
        else:
            tokens.add(run[:MAX_TOKEN])
    return tokens


class _RememberingConverter(UltimateConverter):
    """pypinyin's converter (the one its lazy_pinyin uses), remembering the pinyin of each word
    its segmentation yields: company names repeat words (有限公司, 科技, 上海), and converting a
    word (phrase lookup, then tone marks to plain letters) is most of pypinyin's time. The
    dictionaries behind it do not change at run time, so the result is the same."""

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 - one module-level instance, kept for the process
    def _converted(self, words: str, style, heteronym: bool, errors, strict: bool) -> tuple:
        return tuple(tuple(p) for p in super().convert(words, style, heteronym, errors, strict))

    def convert(self, words, style, heteronym, errors, strict, **kwargs):
        if kwargs or not isinstance(errors, str):
            return super().convert(words, style, heteronym, errors, strict, **kwargs)
        return [list(p) for p in self._converted(words, style, heteronym, errors, strict)]


_PINYIN = Pinyin(_RememberingConverter())


def lazy_pinyin(text: str) -> list[str]:
    """pypinyin.lazy_pinyin(text) with its defaults (plain letters, no tones), faster."""
    return _PINYIN.lazy_pinyin(text, style=Style.NORMAL, errors="default", strict=True)


def pinyin_syllables(text: str) -> list[str]:
    """Syllables of the Chinese characters and the latin words of a text, lower case."""
    syllables: list[str] = []
    for run in runs(text):
        if _IS_CJK.match(run):
            syllables.extend(s for s in lazy_pinyin(run) if s.isascii() and s.isalpha())
        else:
            syllables.append(run)
    return syllables


def pinyin_of(text: str) -> tuple[str, str]:
    """(full pinyin, initials): 北京华信 -> ("beijinghuaxin", "bjhx")."""
    syllables = pinyin_syllables(text)
    return "".join(syllables), "".join(s[0] for s in syllables)


def _suffixes(parts: list[str], minimum: int = 2) -> set[str]:
    """ "".join(parts[i:]) for every i (at most MAX_TOKEN characters, at least `minimum`)."""
    result = set()
    tail = ""
    for part in reversed(parts):
        tail = part + tail
        token = tail[:MAX_TOKEN]
        if len(token) >= minimum:
            result.add(token)
    return result


def pinyin_tokens(syllables: list[str]) -> set[str]:
    return _suffixes(syllables) | _suffixes([s[0] for s in syllables])


def phone_tokens(digits: str) -> set[str]:
    return {digits[i:] for i in range(len(digits) - MIN_PHONE_SUFFIX + 1)} if digits else set()


def document_tokens(*, name: str, syllables: list[str] | None = None, words=(), names=(), phones=()) -> str:
    """The token text of one customer: its name and its pinyin (`syllables`, from
    pinyin_syllables(name) when not given), other names (contacts), phone digits, and whole
    words (number, credit code)."""
    return " ".join(sorted(token_set(name=name, syllables=syllables, words=words, names=names, phones=phones)))


def token_set(*, name: str, syllables: list[str] | None = None, words=(), names=(), phones=()) -> set[str]:
    """document_tokens' tokens, as a set."""
    tokens = text_tokens(name) | pinyin_tokens(pinyin_syllables(name) if syllables is None else syllables)
    for other in names:
        tokens |= text_tokens(other)
    for digits in phones:
        tokens |= phone_tokens(re.sub(r"\D", "", digits or ""))
    for word in words:
        folded = word_token(word)
        if folded:
            tokens.add(folded)
    return tokens


def word_token(word: str) -> str:
    """A whole word's token (a number, a credit code): its letters and digits, lower case."""
    return re.sub(r"[^a-z0-9]", "", _fold(word))[:MAX_TOKEN]


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    """The terms a search must all match; empty when the query has nothing searchable."""
    terms: list[Term] = []
    for run in runs(query):
        if _IS_CJK.match(run):
            if len(run) == 1:
                terms.append(Term(run, prefix=True))
            else:
                terms.extend(Term(run[i : i + 2]) for i in range(len(run) - 1))
        elif len(run) >= 2:
            terms.append(Term(run[:MAX_TOKEN], prefix=True))
    unique: dict[Term, None] = dict.fromkeys(terms)
    return list(unique)
