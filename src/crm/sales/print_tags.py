"""The only tags and filters a print template may use: loops, conditions and a few text filters.
No {% load %}, {% include %}, {% url %} or {% debug %}: a template sees the values it is given."""

from django.template import Library, defaultfilters, defaulttags

register = Library()
for name, compile_function in (("for", defaulttags.do_for), ("if", defaulttags.do_if), ("with", defaulttags.do_with)):
    register.tag(name, compile_function)
for name in ("linebreaksbr", "default", "upper", "lower", "length", "truncatechars"):
    register.filter(name, getattr(defaultfilters, name))
