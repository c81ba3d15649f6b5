"""The API's JSON parser, bounded in depth as the body is bounded in size.

Python's decoder recurses once per nesting level: a body of ten thousand `[` ends in a
RecursionError, which DRF's parser does not catch (a 500). No request of ours nests deeper than
a few levels (an order, its lines, a line's fields), so anything past MAX_DEPTH is a 400."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 16


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=_no_constant)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(_("The JSON is not valid: %(error)s") % {"error": exc}) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed")  # NaN and Infinity are not JSON


def _depth(data) -> int:
    """How deeply lists and objects nest, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest
