"""What the list shows of a match: the matched words marked in the title and in a short passage
of the problem or solution. Pure functions over text; the template marks the parts with <mark>,
so nothing here builds HTML."""

import re

SNIPPET_CHARS = 120
MAX_WINDOWS = 50  # passages weighed per text


def _pattern(terms: list[str]) -> re.Pattern | None:
    words = sorted({term for term in terms if term}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None


def highlight(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """`text` in parts, each (text, is a match)."""
    pattern = _pattern(terms)
    if not text or pattern is None:
        return [(text, False)] if text else []
    parts, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            parts.append((text[last : found.start()], False))
        parts.append((found.group(), True))
        last = found.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def snippet(texts: list[str], terms: list[str], chars: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A passage of about `chars` characters of `texts` (problem, then solution), marked: the one
    where most different words of the search meet (the first such); without a match, the start of
    the first text that has any."""
    pattern = _pattern(terms)
    best = None  # (different words, text, start)
    for text in texts:
        text = " ".join((text or "").split())
        if pattern is None:
            break
        for found in list(pattern.finditer(text))[:MAX_WINDOWS]:
            start = max(0, found.start() - chars // 3)
            words = {hit.group().lower() for hit in pattern.finditer(text[start : start + chars])}
            if best is None or len(words) > best[0]:
                best = (len(words), text, start)
    if best is not None:
        _count, text, start = best
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + chars < len(text) else ""
        return [(prefix, False), *highlight(text[start : start + chars], terms), (suffix, False)]
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            return [(text[:chars] + ("…" if len(text) > chars else ""), False)]
    return []
