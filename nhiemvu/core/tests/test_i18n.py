"""The English translation: switching to it, what it covers, and what stays Vietnamese.

Vietnamese is the source language (the msgids) and the default; English comes from
locale/en/LC_MESSAGES, whose compiled .mo is committed so a checkout needs no gettext.
Official documents, e-mails and calendar feeds stay Vietnamese whatever the reader picked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

import ast
import gettext
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import translation

from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reminders.services import emails_send_pending, feed_create
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.services import periods_generate
from nhiemvu.reporting.status import TaskStatus
from nhiemvu.testing import PASSWORD, Cast, browser_login, build_cast, make_plan

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
ENGLISH_STATUSES = {
    "Completed on time",
    "Completed late",
    "In progress, within deadline",
    "In progress, past deadline",
    "Not started",
}


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """The test client runs LocaleMiddleware in this thread: don't leave English active for later tests."""
    yield
    translation.deactivate()


# The catalogue -----------------------------------------------------------------------------------

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def parse_po(text: str) -> list[dict[str, Any]]:
    """The entries of a gettext-written .po file (blank lines separate entries; obsolete `#~` skipped)."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        entry: dict[str, Any] = {"flags": set(), "msgstr": {}}
        current: tuple[str, int] | None = None
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := _KEYWORD.match(line):
                keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
                if keyword.startswith("msgstr"):
                    current = ("msgstr", int(index or 0))
                    entry["msgstr"][current[1]] = value
                else:
                    current = (keyword, 0)
                    entry[keyword] = value
            elif line.startswith('"') and current is not None:
                if current[0] == "msgstr":
                    entry["msgstr"][current[1]] += ast.literal_eval(line)
                else:
                    entry[current[0]] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict[str, Any]]:
    entries = parse_po((LOCALE / "django.po").read_text(encoding="utf-8"))
    return [e for e in entries if e["msgid"]]  # without the header


def _label(entry: dict[str, Any]) -> str:
    return f"{entry.get('msgctxt', '')}|{entry['msgid']}"


def test_the_parser_reads_contexts_plurals_and_continued_lines() -> None:
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy\nmsgctxt "plural"\nmsgid "Kế hoạch"\nmsgstr "Plans"\n\n'
        'msgid ""\n"Còn %(days)d ngày"\nmsgid_plural "Còn %(days)d ngày"\n'
        'msgstr[0] "%(days)d day"\nmsgstr[1] ""\n"%(days)d days"\n\n'
        '#~ msgid "cũ"\n#~ msgstr "old"\n'
    )
    assert len(entries) == 3
    assert entries[0]["msgstr"] == {0: "Language: en\n"}
    assert entries[1] == {
        "flags": {"fuzzy"},
        "msgctxt": "plural",
        "msgid": "Kế hoạch",
        "msgstr": {0: "Plans"},
    }
    assert entries[2]["msgid"] == "Còn %(days)d ngày"
    assert entries[2]["msgstr"] == {0: "%(days)d day", 1: "%(days)d days"}


def test_every_msgid_is_translated_and_none_is_fuzzy(po_entries: list[dict[str, Any]]) -> None:
    assert len(po_entries) > 400
    fuzzy = [_label(e) for e in po_entries if "fuzzy" in e["flags"]]
    untranslated = [
        _label(e)
        for e in po_entries
        if not all(e["msgstr"].values()) or len(e["msgstr"]) != (2 if "msgid_plural" in e else 1)
    ]
    assert fuzzy == []
    assert untranslated == []
    header = parse_po((LOCALE / "django.po").read_text(encoding="utf-8"))[0]
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_the_compiled_catalogue_matches_the_po(po_entries: list[dict[str, Any]]) -> None:
    """The committed .mo is the committed .po compiled: same msgids, same translations."""
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries:
        context, msgid, strings = entry.get("msgctxt"), entry["msgid"], entry["msgstr"]
        if "msgid_plural" in entry:
            plural = entry["msgid_plural"]
            if context is None:
                got = [catalogue.ngettext(msgid, plural, 1), catalogue.ngettext(msgid, plural, 2)]
            else:
                got = [catalogue.npgettext(context, msgid, plural, n) for n in (1, 2)]
            expected = [strings[0], strings[1]]
        else:
            got = [catalogue.gettext(msgid) if context is None else catalogue.pgettext(context, msgid)]
            expected = [strings[0]]
        if got != expected:
            stale.append(_label(entry))
    assert stale == [], "run `make messages` (compilemessages) and commit django.mo"


def test_django_uses_the_catalogue() -> None:
    with translation.override("en"):
        assert translation.gettext("Kế hoạch") == "Plan"
        assert translation.pgettext("plural", "Kế hoạch") == "Plans"
        assert {str(label) for label in TaskStatus.labels} == ENGLISH_STATUSES
    with translation.override("vi"):
        assert str(TaskStatus.NOT_STARTED.label) == "Chưa triển khai"


# Pages -----------------------------------------------------------------------------------------


def _active_plan(cast: Cast) -> Plan:
    plan = make_plan(cast, tasks=3, targets_per_task=1)
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    periods_generate(plan=plan)
    return plan


def _switch(client: Client, language: str, next_url: str) -> Any:
    """The header's language form, posted as a browser would (CSRF checks on)."""
    client.get(next_url)  # sets the CSRF cookie, as the page with the form would
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(
        reverse("set_language"),
        {"language": language, "next": next_url, "csrfmiddlewaretoken": token},
        follow=True,
    )


def test_a_new_visitor_gets_vietnamese(client: Client, cast: Cast) -> None:
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert '<html lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Log in" not in html

    client.login(username="khtc", password=PASSWORD)
    plan = _active_plan(cast)
    html = client.get(reverse("plans:plan-list")).content.decode()
    assert "<h1>Kế hoạch</h1>" in html
    html = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert "<h2>Nhiệm vụ</h2>" in html
    assert "Chưa triển khai" in html or "Đang thực hiện quá hạn" in html


def test_switching_to_english_through_set_language(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    plan = _active_plan(cast)
    assert client.login(username="khtc", password=PASSWORD)

    plans_page = _switch(client, "en", reverse("plans:plan-list"))
    assert plans_page.redirect_chain == [(reverse("plans:plan-list"), 302)]
    html = plans_page.content.decode()
    assert '<html lang="en"' in html
    assert "<h1>Plans</h1>" in html
    assert "Kế hoạch" not in re.sub(r"<td>.*?</td>", "", html, flags=re.S)  # titles are data, not UI
    assert "Log out" in html

    page = client.get(reverse("plans:plan-detail", args=[plan.pk]))
    html = page.content.decode()
    assert "<h2>Tasks</h2>" in html
    assert "Lead unit" in html and "Leader in charge" in html
    badges = re.findall(r'data-testid="task-status">([^<]+)<', html)
    assert len(badges) == 3
    assert set(badges) <= ENGLISH_STATUSES

    client.post(reverse("logout"), {"csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value})
    html = client.get(reverse("login")).content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Username" in html and "Password" in html

    back = _switch(client, "vi", reverse("login"))
    assert "<h1>Đăng nhập</h1>" in back.content.decode()


def test_official_documents_stay_vietnamese_in_english(client: Client, cast: Cast) -> None:
    plan = _active_plan(cast)
    period = ReportingPeriod.objects.filter(plan=plan).order_by("due_on").first()
    assert period is not None
    client.login(username="khtc", password=PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("documents:period-report", args=[period.pk, "xlsx"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    text = "\n".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    )
    with translation.override("vi"):
        vietnamese = {str(label) for label in TaskStatus.labels}
    assert any(label in text for label in vietnamese)
    assert not any(label in text for label in ENGLISH_STATUSES)
    assert "Nhiệm vụ" in text


def test_emails_and_calendar_feeds_stay_vietnamese_in_english(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    _active_plan(cast)
    Notification.objects.create(
        recipient=cast.unit_staff,
        kind=NotificationKind.REPORT_DUE_SOON,
        dedup_key="i18n-test",
        subject="Còn 3 ngày đến hạn gửi báo cáo",
        body="Nội dung",
        url="/plans/",
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert emails_send_pending() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Kính gửi Hoàng Văn Lâm," in message.body
    assert "Dear" not in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    assert "Xem chi tiết" in html

    _, token = feed_create(user=cast.unit_staff)
    feed = client.get(reverse("reminders:feed-ics", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    body = feed.content.decode()
    assert "Hạn gửi báo cáo" in body
    assert "report due" not in body


# In Chromium -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_picking_english_in_the_header_switches_the_interface(page: Page) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=2, targets_per_task=1)
    browser_login(page, "khtc")
    assert page.get_by_role("heading", level=1).inner_text() == "Kế hoạch"

    # The select submits itself (static/js/app.js); set_language redirects back to this page.
    with page.expect_navigation():
        page.get_by_label("Ngôn ngữ").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Plans"
    assert page.get_by_role("button", name=re.compile(r"^Log out")).is_visible()

    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    assert page.get_by_role("heading", name="Tasks", level=2).is_visible()
    assert page.get_by_text("Lead unit").first.is_visible()
    assert page.get_by_label("Language").input_value() == "en"


@pytest.mark.parametrize(
    ("language", "heading", "never"),
    [("vi", "Phiên làm việc đã hết hạn", "CSRF"), ("en", "Your session has expired", "Phiên")],
)
def test_a_form_sent_without_its_token_is_refused_in_the_interface_language(
    cast: Cast, language: str, heading: str, never: str
) -> None:
    """A form left open overnight: a page in the site's frame and language, not Django's English one."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="khtc", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": "stale"})
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in html and 'data-testid="csrf-failure"' in html
    assert never not in re.sub(r"<head>.*?</head>|<body[^>]*>", "", html, flags=re.S)
