"""The Jinja2 environment of the pages every unit opens at the reporting deadline (issue 20).

Django's template language costs several milliseconds on a page of forty rows; Jinja2 compiles a
template to Python and renders the same page in a fraction of that. So the hot pages ("my tasks",
the report form) and the page frame every page shares (`_head.jinja`, `_top.jinja`: the menu, the
bell, the idle timer) are Jinja2 templates under `jinja/`; the other pages stay Django templates
under `templates/` and take the frame through `{% jinja "…" %}` (core/templatetags/nv.py), so the
menu is written once.

What the Jinja2 templates have, as the Django ones have it:
- `_("…")`, `pgettext("context", "…")`, `ngettext(…)`: Django's own translation functions, so one
  catalogue serves both (`nhiemvu makemessages` reads `.jinja` files as Python, see
  core/management/commands/makemessages.py);
- `url(name, *args)`, `static(path)`, `csrf_token` and `csrf_input` (Django's Jinja2 backend has
  them; `csrf` below makes them once per page);
- the filters the templates use: `date` (in the local time zone), `truncatewords`, `linebreaksbr`, `filesizeformat` from
  Django, and the project's `num` and `target_value` (figures the Vietnamese way, `1.000,5`).
Integers print as they are in Jinja2 (`{{ p.pk }}` is `1234`, never `1.234`), so attributes need no
`stringformat` or `unlocalize` as in Django templates.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from jinja2 import Environment

from .templatetags.nv import csrf_field, num, target_value


def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter on the value in the local time zone, as Django templates show it."""
    return defaultfilters.date(timezone.template_localtime(value), arg)  # type: ignore[attr-defined]


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Django's `reverse`; a link without arguments (the menu's sixteen on every page, about 50 µs
    each) is worked out once per process, for the URL configuration and prefix in force."""
    if args or kwargs:
        return reverse(name, args=args, kwargs=kwargs)
    return _fixed_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=512)
def _fixed_url(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Context processor of the Jinja2 engine: the page's CSRF token, worked out once, and the hidden
    input carrying it (`csrf_field`), in place of the backend's lazy strings (processors run after
    the backend sets them)."""
    token = SimpleLazyObject(lambda: get_token(request))
    return {"csrf_token": token, "csrf_input": csrf_field(token)}


def environment(**options: Any) -> Environment:
    env = Environment(**options)
    env.globals.update(
        {
            "_": translation.gettext,
            "gettext": translation.gettext,
            "ngettext": translation.ngettext,
            "pgettext": translation.pgettext,
            "url": url,
            "static": static,
        }
    )
    env.filters.update(
        {
            "date": date,
            "truncatewords": defaultfilters.truncatewords,
            "linebreaksbr": defaultfilters.linebreaksbr,
            "filesizeformat": defaultfilters.filesizeformat,
            "num": num,
            "target_value": target_value,
        }
    )
    return env
