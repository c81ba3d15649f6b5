"""What the list shows of a match: the matched words marked in the title and in a short passage
of the problem or solution. Pure functions over text; the template marks the parts with <mark>,
so nothing here builds HTML."""

import re

SNIPPET_CHARS = 120


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
    """A passage of about `chars` characters around the first match in `texts` (problem, then
    solution), marked; without a match, the start of the first text that has any."""
    pattern = _pattern(terms)
    for text in texts:
        text = " ".join((text or "").split())
        found = pattern.search(text) if pattern else None
        if found:
            start = max(0, found.start() - chars // 3)
            passage = text[start : start + chars]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + chars < len(text) else ""
            return [(prefix, False), *highlight(passage, terms), (suffix, False)]
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            return [(text[:chars] + ("…" if len(text) > chars else ""), False)]
    return []
