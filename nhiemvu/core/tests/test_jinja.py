"""The Jinja2 pages (issue 20): the page frame written once for both engines, every string of the
Jinja2 templates in the English catalogue, figures, dates and the CSRF token as Django pages have them."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import reverse
from jinja2.ext import extract_from_ast

from nhiemvu.core.tests.test_i18n import _active_plan, _switch, parse_po
from nhiemvu.plans.models import Plan
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.testing import PASSWORD, Cast

JINJA2 = Path(settings.BASE_DIR) / "jinja"
FUNCTIONS = ("_", "gettext", "ngettext", "pgettext")


def jinja_strings() -> list[tuple[str, int, str]]:
    """(template, line, catalogue key) of every translatable string, as Jinja2 itself parses them."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    found = []
    for path in sorted(JINJA2.rglob("*.jinja")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for line, function, message in extract_from_ast(tree, gettext_functions=FUNCTIONS):
            parts = [m for m in (message if isinstance(message, tuple) else (message,)) if m is not None]
            key = "\x04".join(parts[:2]) if function == "pgettext" else parts[0]
            found.append((str(path.relative_to(JINJA2)), line, key))
    return found


def po_references() -> dict[str, set[str]]:
    """For each catalogue key, the files makemessages found it in (the `#:` lines of the .po)."""
    text = (Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    for block in re.split(r"\n\s*\n", text):
        files = {
            ref.rsplit(":", 1)[0]
            for line in block.splitlines()
            if line.startswith("#: ")
            for ref in line[3:].split()
        }
        for entry in parse_po(block):
            key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
            found[key] = files
    return found


def test_every_string_of_the_jinja_templates_is_in_the_english_catalogue() -> None:
    """`nhiemvu makemessages` reads the .jinja files as Python (core/management/commands/makemessages.py).
    A string it missed there (inside a quoted HTML attribute it would be) would be dropped from the
    catalogue by the next run and show in Vietnamese: each must be listed under its template."""
    mo = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    references = po_references()
    strings = jinja_strings()
    assert len(strings) > 60  # the frame and the two pages
    unread = [
        f"{name}:{line} {key!r}"
        for name, line, key in strings
        if f"jinja/{name}" not in references.get(key, set())
    ]
    assert unread == [], "set the words in a variable first, then run makemessages"
    untranslated = [f"{name}:{line} {key!r}" for name, line, key in strings if not catalogue.get(key)]
    assert untranslated == []
    assert any(key == "plural\x04Kế hoạch" for _, _, key in strings)


def header(html: str) -> str:
    """The page's frame: the head's links and the menu bar, the language form's return path left out."""
    head = re.search(r"<meta charset.*?</head>", html, re.S)
    top = re.search(r"<body.*?</header>", html, re.S)
    assert head and top
    frame = head[0] + top[0]
    return re.sub(
        r'name="(next|csrfmiddlewaretoken)" (type="hidden" )?value="[^"]*"|"X-CSRFToken": "[^"]*"', "", frame
    )


def test_django_and_jinja2_pages_share_one_frame(client: Client, cast: Cast) -> None:
    plan = _active_plan(cast)
    client.login(username=cast.unit_staff.username, password=PASSWORD)
    jinja_page = client.get(reverse("reporting:my-tasks"))
    django_page = client.get(reverse("plans:plan-detail", args=[plan.pk]))
    assert jinja_page.status_code == django_page.status_code == 200
    jinja_html, django_html = jinja_page.content.decode(), django_page.content.decode()
    assert header(jinja_html) == header(django_html)
    assert 'data-testid="nav-my-tasks"' in jinja_html
    # the idle timer's figures unlocalised (1800, not 1.800: session.js reads them with parseInt)
    assert 'data-session-idle="1800"' in jinja_html


def test_jinja2_pages_in_english(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    plan = _active_plan(cast)
    assert client.login(username=cast.unit_staff.username, password=PASSWORD)
    page = _switch(client, "en", reverse("reporting:my-tasks"))
    html = page.content.decode()
    assert '<html lang="en"' in html
    assert "Log out" in html and "Đăng xuất" not in html
    assert "Nhiệm vụ của đơn vị trong kỳ" not in html
    period = ReportingPeriod.objects.filter(plan=plan, frequency="monthly").order_by("starts_on")[0]
    task = plan.tasks.filter(lead_unit__in=cast.unit_staff.memberships.values("organisation")).first()
    assert task is not None
    form = client.get(reverse("reporting:report-edit", args=[task.pk, period.pk])).content.decode()
    assert "Save draft" in form or "Submit" in form
    assert "Lưu nháp" not in form


def _unit_officer_and_form(cast: Cast) -> tuple[Client, Plan, str]:
    """The unit officer signed in with CSRF checks on, the active plan and its first monthly
    period's report form for one of the unit's tasks."""
    client = Client(enforce_csrf_checks=True)
    plan = _active_plan(cast)
    assert client.login(username=cast.unit_staff.username, password=PASSWORD)
    task = plan.tasks.filter(lead_unit__in=cast.unit_staff.memberships.values("organisation")).first()
    assert task is not None
    period = ReportingPeriod.objects.filter(plan=plan, frequency="monthly").order_by("starts_on")[0]
    return client, plan, reverse("reporting:report-edit", args=[task.pk, period.pk])


def test_the_report_form_posts_with_its_token_and_keeps_vietnamese_figures(cast: Cast) -> None:
    """The form of a Jinja2 page carries Django's CSRF token (checks on) and shows 8.650 and 64,2 back as typed."""
    client, _plan, url = _unit_officer_and_form(cast)
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    revision = re.search(r'name="revision" value="(\d+)"', html)
    actual = re.search(r'name="(actual_\d+)"', html)
    assert token and revision and actual
    data = {
        "csrfmiddlewaretoken": token[1],
        "action": "save",
        "revision": revision[1],
        actual[1]: "8.650",
        actual[1].replace("actual", "estimate"): "64,2",
        "narrative": "Đã trồng rừng",
        "percent_done": "",
        "completed_on": "",
        "proposals": "",
    }
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:500]
    again = client.get(url).content.decode()
    assert 'value="8.650"' in again and 'value="64,2"' in again
    assert "Đã lưu nháp." in again


def test_a_page_carries_one_csrf_token_in_every_form_and_in_htmx_s_header(cast: Cast) -> None:
    """Worked out once per page, on Jinja2 and Django pages alike; and a form's token is accepted."""
    client, plan, form_url = _unit_officer_and_form(cast)
    pages = [form_url, reverse("reporting:my-tasks"), reverse("plans:plan-detail", args=[plan.pk])]
    for url in pages:
        html = client.get(url).content.decode()
        inputs = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        header = re.findall(r'"X-CSRFToken": "([^"]+)"', html)
        assert len(inputs) >= 2 and len(header) == 1, url
        assert set(inputs) == set(header), url
    # The last page's token (a Django page's) signs the report form's save.
    revision = re.search(r'name="revision" value="(\d+)"', client.get(form_url).content.decode())
    assert revision
    data = {
        "csrfmiddlewaretoken": header[0],
        "action": "save",
        "revision": revision[1],
        "narrative": "Đã làm",
    }
    assert client.post(form_url, data).status_code == 302


def test_a_link_without_arguments_is_worked_out_once_for_the_prefix_in_force() -> None:
    from django.urls import clear_script_prefix, set_script_prefix

    from nhiemvu.core.jinja import url

    plain = reverse("reporting:my-tasks")
    assert url("reporting:my-tasks") == plain
    assert url("reporting:report-edit", 12, 3) == reverse("reporting:report-edit", args=[12, 3])
    set_script_prefix("/nhiemvu/")  # served under a sub-path: the same name, another address
    try:
        assert url("reporting:my-tasks") == "/nhiemvu" + plain
    finally:
        clear_script_prefix()
    assert url("reporting:my-tasks") == plain
