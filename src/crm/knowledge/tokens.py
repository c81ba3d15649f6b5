"""How an article's text becomes search tokens, and a query becomes search terms.

One tokenizer for both databases and for both sides of a search (ADR-like notes in
docs/knowledge.md):

- Chinese text is segmented with jieba's search mode (`jieba.cut_for_search`), which gives the
  words and the shorter dictionary words inside them: 增值税专用发票 → 增值 增值税 专用 发票
  专用发票. A query is segmented the same way, so 导入乱码 → 导入 乱码 finds an article titled
  「Excel 导入后中文显示乱码」.
- Latin letters and digits are kept as lower-case words (Excel → excel, V2 → v2); full-width
  characters are folded to half width first (ＣＲＭ → crm).
- Punctuation, spaces and a short list of question words and particles (的, 了, 怎么办, 如何 …)
  are dropped: they would make a question typed in full match nothing.

Tokens are joined by single spaces and stored on the article at save time (title apart from the
rest, so a title match can weigh more); nothing is segmented for stored articles at query time.
"""

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
MAX_TOKEN = 40
MAX_QUERY_CHARS = 100  # what a search box may send; longer queries are cut
MAX_QUERY_TERMS = 10  # the terms of one search; the rest are ignored
MAX_SUGGEST_CHARS = 1000  # the text a suggestion is made from (a service's summary and request)
MAX_SUGGEST_TERMS = 24

_STOP_WORDS = (
    "的 了 吗 呢 吧 啊 呀 是 在 和 与 及 或 就 都 也 还 又 把 被 让 给 对 从 到 为 着 过 这 那 这个 那个 "
    "我 你 他 她 它 我们 你们 他们 请问 怎么 怎么办 怎样 如何 为什么 什么 哪里 哪个 能否 可以 是否 有没有 "
    "一下 一个 一些 时候 问题 the a an of to in on for and or is are be how what why can do does"
)
STOP_WORDS = frozenset(_STOP_WORDS.split(" "))


def fold(text: str) -> str:
    """Full width to half width, lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _words(text: str) -> list[str]:
    """jieba's search-mode words of `text`, each cut into its CJK and latin pieces, stop words out."""
    words = []
    for word in jieba.cut_for_search(fold(text)):
        for piece in _PIECES.findall(word):
            if piece not in STOP_WORDS:
                words.append(piece[:MAX_TOKEN])
    return words


def document_tokens(*texts: str) -> str:
    """The token text stored for some of an article's fields (space-separated, in order)."""
    return " ".join(word for text in texts for word in _words(text))


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def _covered(word: str, parts: set[str]) -> bool:
    """Whether `word` is a run of two or more of `parts` (专用发票 = 专用 + 发票)."""
    reach = [True] + [False] * len(word)  # reach[i]: word[:i] is a run of parts
    for end in range(1, len(word) + 1):
        reach[end] = any(
            reach[start] and word[start:end] in parts and (start, end) != (0, len(word)) for start in range(end)
        )
    return reach[-1]


def query_terms(query: str) -> list[str]:
    """The terms a search must all match (at most MAX_QUERY_TERMS); empty when nothing is searchable.

    A compound whose parts are terms too is left out (专用发票 when 专用 and 发票 are there), so
    an article that writes the parts apart (专用的发票) is found as well; a word only partly
    covered stays (增值税 beside 增值), or 增值税 would find 增值服务."""
    words = _unique(_words((query or "")[:MAX_QUERY_CHARS]))
    parts = set(words)
    return [word for word in words if not _covered(word, parts - {word})][:MAX_QUERY_TERMS]


def suggestion_terms(text: str) -> list[str]:
    """The terms of a free text (a service's summary and request) any of which an article may
    match: single characters are left out (too common to suggest anything)."""
    words = _words((text or "")[:MAX_SUGGEST_CHARS])
    return _unique([word for word in words if len(word) > 1])[:MAX_SUGGEST_TERMS]


def split_tags(value) -> list[str]:
    """Tags typed with commas (either width), 、 or semicolons: stripped, duplicates out, in order."""
    if isinstance(value, list | tuple):
        value = ",".join(str(item) for item in value)
    parts = re.split(r"[,，、;；]", value or "")
    return _unique([part.strip()[:30] for part in parts if part.strip()])


def join_tags(tags: list[str]) -> str:
    return ",".join(tags)
