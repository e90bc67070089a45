"""Template filters for Vietnamese figures: `1.000,5`, `≥ 64,2 %`, `5–7 doanh nghiệp`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import engines
from django.utils import formats, numberformat
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

COMPARATOR_SIGNS = {"=": "", ">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< "}


def format_number(value: object) -> str:
    """A number the way the active locale writes it, without trailing zeros: 9000.0000 → `9.000`."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]  # an int for a finite number
    return numberformat.format(
        number,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def num(value: object) -> str:
    return format_number(value)


@register.filter
def target_value(target: Any) -> str:
    """`≥ 64,2 %`, `5–7 doanh nghiệp`, `giảm 10 %` for a Target."""
    comparator = getattr(target, "comparator", "=")
    unit = getattr(target, "unit", "") or ""
    if comparator == "range":
        figure = f"{format_number(target.value)}–{format_number(target.max_value)}"
    else:
        figure = COMPARATOR_SIGNS.get(comparator, "") + format_number(target.value)
    change = getattr(target, "change", "")
    prefix = {"increase": _("tăng"), "decrease": _("giảm")}.get(change, "")
    return f"{prefix} {figure} {unit}".strip()


def csrf_field(token: Any) -> SimpleLazyObject:
    """The hidden input of a page's forms, carrying the page's CSRF `token` (itself worked out once,
    when first shown): one masked token per page, as Django templates have it.

    Django's Jinja2 backend passes `csrf_input` and `csrf_token` as lazy strings that work the token
    out again on each use, masking it with 32 characters drawn one by one from the system's random
    source; the frame alone shows it three times (htmx's header, the menu's two forms), and those
    draws were a tenth of the frame's time (issue 20). See also core/jinja.py's `csrf`."""
    return SimpleLazyObject(
        lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    )


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, name: str, **extra: Any) -> str:
    """`{% jinja "_top.jinja" report=row.report %}`: a Jinja2 template (under jinja/) rendered with
    this page's context, so that the page frame and the parts the hot Jinja2 pages share with
    Django pages are written once (nhiemvu/core/jinja.py)."""
    values: dict[Any, Any] = {**context.flatten(), **extra}
    request = context.get("request")
    if request is not None and "csrf_input" not in values:
        # The page's token as its Django forms have it (Django's csrf processor), once per page.
        token = values.get("csrf_token") or SimpleLazyObject(lambda: get_token(request))
        values["csrf_input"] = csrf_field(token)
    return mark_safe(engines["jinja2"].env.get_template(name).render(values))  # type: ignore[attr-defined]  # Jinja2 escapes
