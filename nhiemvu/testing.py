"""The fixed cast every test uses: one province, one department, its units and a user per role."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import User as Account

from nhiemvu.organisations.models import Membership, Official, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import scope_changed
from nhiemvu.plans.models import Plan

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "nhiemvu-test-2023"
REDIS = ("127.0.0.1", 6379)
# The Redis database the shared-cache tests use, each run under its own key prefix (`redis_prefix`).
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"

T = TypeVar("T")


@dataclass
class Cast:
    province: Organisation
    department: Organisation
    planning_finance_division: Organisation
    forest_unit: Organisation
    rural_unit: Organisation
    other_department: Organisation
    director: Account
    deputy: Account
    deputy_official: Official
    planning_finance: Account
    unit_staff: Account
    reviewer: Account
    outsider: Account


def _user(username: str, full_name: str) -> Account:
    first, _, last = full_name.rpartition(" ")
    return Account.objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last, email=f"{username}@example.vn"
    )


def build_cast() -> Cast:
    """Organisations and users for tests; names are made up, shaped like a real department's."""
    province = Organisation.objects.create(
        name="UBND tỉnh Thử Nghiệm", short_name="UBND tỉnh", kind=OrganisationKind.PROVINCE_COMMITTEE
    )
    department = Organisation.objects.create(
        parent=province,
        name="Sở Nông nghiệp và Phát triển nông thôn",
        short_name="Sở NN&PTNT",
        aliases=["Sở Nông nghiệp và PTNT"],
        kind=OrganisationKind.DEPARTMENT,
    )
    pf = Organisation.objects.create(
        parent=department,
        name="Phòng Kế hoạch – Tài chính",
        short_name="Phòng KH-TC",
        kind=OrganisationKind.DIVISION,
    )
    forest = Organisation.objects.create(
        parent=department, name="Chi cục Kiểm lâm", kind=OrganisationKind.SUB_DEPARTMENT
    )
    rural = Organisation.objects.create(
        parent=department, name="Chi cục Phát triển nông thôn", kind=OrganisationKind.SUB_DEPARTMENT
    )
    other = Organisation.objects.create(parent=province, name="Sở Y tế", kind=OrganisationKind.DEPARTMENT)

    director = _user("giamdoc", "Trần Văn Giám")
    deputy = _user("phogiamdoc", "Lê Thị Phó")
    planning = _user("khtc", "Phạm Văn Kế")
    unit = _user("kiemlam", "Hoàng Văn Lâm")
    reviewer = _user("ubndtinh", "Ngô Thị Tỉnh")
    outsider = _user("syte", "Đỗ Văn Ngoài")
    Membership.objects.bulk_create(
        [
            Membership(user=director, organisation=department, role=Role.DIRECTOR),
            Membership(user=deputy, organisation=department, role=Role.DEPUTY_DIRECTOR),
            Membership(user=planning, organisation=pf, role=Role.PLANNING_FINANCE),
            Membership(user=unit, organisation=forest, role=Role.UNIT_STAFF),
            Membership(user=reviewer, organisation=province, role=Role.PROVINCIAL_REVIEWER),
            Membership(user=outsider, organisation=other, role=Role.UNIT_STAFF),
        ]
    )
    scope_changed()  # bulk_create sends no signals
    deputy_official = Official.objects.create(
        full_name="Lê Thị Phó", position="Phó Giám đốc Sở", organisation=department, user=deputy
    )
    Official.objects.create(
        full_name="Trần Văn Giám", position="Giám đốc Sở", organisation=department, user=director
    )
    return Cast(
        province=province,
        department=department,
        planning_finance_division=pf,
        forest_unit=forest,
        rural_unit=rural,
        other_department=other,
        director=director,
        deputy=deputy,
        deputy_official=deputy_official,
        planning_finance=planning,
        unit_staff=unit,
        reviewer=reviewer,
        outsider=outsider,
    )


def build_far_planner() -> tuple[Account, Organisation]:
    """Planning-Finance of a department in another province, and that department: the strongest
    role outside the cast's body, for tests of what crosses between bodies."""
    province = Organisation.objects.create(
        name="UBND tỉnh Cao Bằng", kind=OrganisationKind.PROVINCE_COMMITTEE
    )
    department = Organisation.objects.create(
        parent=province, name="Sở Nông nghiệp tỉnh Cao Bằng", kind=OrganisationKind.DEPARTMENT
    )
    division = Organisation.objects.create(parent=department, name="Phòng KH-TC Cao Bằng", kind="division")
    user = Account.objects.create_user(username="khtc.caobang", password=PASSWORD)
    Membership.objects.create(user=user, organisation=division, role=Role.PLANNING_FINANCE)
    return user, department


def make_decision(
    cast: Cast, tasks: Iterable[tuple[str, str, Organisation]], *, number: str = "58/QĐ-UBND"
) -> Plan:
    """The province's decision on its agencies' key tasks for 2023 (issued 17/01/2023): tasks
    (code, title, agency), each with the year's end as deadline."""
    import datetime as dt

    from nhiemvu.plans.models import PlanStatus, SourceDocument, Task

    decision = Plan.objects.create(
        title="Phê duyệt nhiệm vụ trọng tâm năm 2023 của các cơ quan",
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.province,
        status=PlanStatus.ACTIVE,
        source_document=SourceDocument.objects.create(
            kind="QĐ", number=number, symbol=number.partition("/")[2], issued_on=dt.date(2023, 1, 17)
        ),
    )
    for order, (code, title, agency) in enumerate(tasks, 1):
        Task.objects.create(
            plan=decision,
            code=code,
            title=title,
            order=order,
            lead_unit=agency,
            deadline=dt.date(2023, 12, 31),
        )
    return decision


def make_plan(
    cast: Cast, *, tasks: int = 3, targets_per_task: int = 2, title: str = "Kế hoạch thử nghiệm"
) -> Plan:
    """A plan of the cast's department with numbered tasks 1..n, each with targets and a milestone."""
    import datetime as dt
    from decimal import Decimal

    from nhiemvu.plans.models import Milestone, Target, Task

    plan = Plan.objects.create(
        title=title,
        year=2023,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        issuer=cast.department,
        compiler=cast.planning_finance_division,
        reporting_frequencies=["monthly", "quarterly"],
    )
    for i in range(1, tasks + 1):
        task = Task.objects.create(
            plan=plan,
            code=str(i),
            title=f"Nhiệm vụ số {i}",
            order=i,
            leader=cast.deputy_official,
            lead_unit=cast.forest_unit if i % 2 else cast.rural_unit,
            deadline=dt.date(2023, 12, 31),
        )
        task.support_units.add(cast.planning_finance_division)
        for j in range(targets_per_task):
            Target.objects.create(
                task=task, name=f"chỉ tiêu {i}.{j}", unit="ha", value=Decimal(1000 * (j + 1)), order=j
            )
        Milestone.objects.create(task=task, due=dt.date(2023, 6, 30), text="hoàn thành bước đầu", order=0)
    return plan


def present(values: Iterable[T | None]) -> list[T]:
    """The values, each checked to be there: figures a test knows are filled in, ready to sort."""
    known = []
    for value in values:
        assert value is not None
        known.append(value)
    return known


def matched(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> re.Match[str]:
    """The first match of the pattern in the text, which the test expects to find."""
    match = re.search(pattern, text, flags)
    assert match is not None, pattern
    return match


def browser_login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form of a Playwright page."""
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login/" not in url)


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one form: inputs, checked boxes, textareas, selections."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.data.setdefault(self._select, []).append(a.get("value", ""))
                self._select_chosen = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.data.setdefault(self._select, []).append(self._select_first)
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            value = self.data[self._textarea][-1] + data
            # Browsers drop the one new line that follows <textarea>.
            self.data[self._textarea][-1] = (
                value[1:] if value.startswith("\n") and len(self.data[self._textarea][-1]) == 0 else value
            )


def form_data(html: str, testid: str = "review-form") -> dict[str, Any]:
    """What a browser would submit from the form with this data-testid, as the page shows it."""
    reader = _FormReader(testid)
    reader.feed(html)
    return {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}


def review_form_data(html: str) -> dict[str, Any]:
    """The import review as a reviewer sends it after ticking «this is our plan» (the box shows
    when the document names another issuer or place than the agency chosen, as the cast's
    fictional province makes every corpus plan do)."""
    return {**form_data(html), "confirm_issuer": "1"}


def this_database_url() -> str:
    """The DATABASE_URL of the database this test runs on (pytest-django's test database), for a
    process the test starts (`nhiemvu worker`) to work on the same rows. Transactional tests only:
    the rows must be committed for another process to see them."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def require_redis() -> None:
    """Skip the calling test when Redis is not answering on 127.0.0.1:6379, or fail it under CI
    (`.ci/run` sets CI=true), where a skipped shared-cache test would hide a broken setup."""
    import pytest

    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


def page_builds(monkeypatch: Any) -> list[Callable[[], str]]:
    """The builds of page bodies the dashboards' cache is given from now on (each still runs as
    before): what a stale page would hand to `nhiemvu worker`, for a test to pickle."""
    from nhiemvu.dashboards import caching

    builds: list[Callable[[], str]] = []
    real = caching.fresh_or_stale

    def keep(key: str, stamp: str, build: Callable[[], str]) -> tuple[str, bool]:
        builds.append(build)
        return real(key, stamp, build)

    monkeypatch.setattr(caching, "fresh_or_stale", keep)
    return builds


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test run's own in REDIS_TEST_URL (the SQLite and PostgreSQL passes may
    run at once), its keys deleted afterwards; skips or fails like `require_redis`."""
    import redis

    require_redis()
    prefix = f"nhiemvu-test-{os.getpid()}"
    try:
        yield prefix
    finally:
        server = redis.Redis.from_url(REDIS_TEST_URL)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


def drain_jobs() -> str:
    """`nhiemvu worker --drain` in this process: the queued jobs run; what it printed."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("worker", drain=True, stdout=out)
    return out.getvalue()
