"""Two `remind` workers started at the same instant: every notification and every e-mail exactly once.

On PostgreSQL the claims use FOR UPDATE SKIP LOCKED, so the workers split the work; on SQLite
(file-based test database, as the server runs it) the BEGIN IMMEDIATE write lock queues them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.db import connection

from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import PlanStatus
from nhiemvu.reminders.management.commands.remind import Command
from nhiemvu.reminders.models import Notification
from nhiemvu.reminders.services import RoundResult
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import _user, build_cast, make_plan

from .conftest import HANOI

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_at_once_send_each_reminder_exactly_once() -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=12, targets_per_task=0)
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    periods_generate(plan=plan)
    for i in range(5):  # more recipients, more rows to fight over
        for unit in (cast.forest_unit, cast.rural_unit):
            user = _user(f"canbo{i}{unit.pk}", f"Cán Bộ Số {i}")
            Membership.objects.create(user=user, organisation=unit, role=Role.UNIT_STAFF)

    barrier = threading.Barrier(2)
    results: list[RoundResult | BaseException | None] = [None, None]

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = Command(stdout=StringIO()).handle_one()
        except BaseException as exc:  # surfaced by the assertion below
            results[i] = exc
        finally:
            connection.close()

    # 16/06/2023, the June send-by date; April and May unsent, so directors hear too.
    with time_machine.travel(dt.datetime(2023, 6, 16, 8, 0, tzinfo=HANOI), tick=True):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

    assert all(isinstance(r, RoundResult) for r in results), results
    rounds = [r for r in results if isinstance(r, RoundResult)]
    notifications = Notification.objects.count()
    # Due today: 6 forest tasks x 6 forest staff, 6 rural tasks x 5 rural staff;
    # late twice (April, May): 2 units x 1 director.
    assert notifications == 6 * 6 + 6 * 5 + 2
    assert sum(r.created for r in rounds) == notifications
    assert sum(r.emailed for r in rounds) == notifications
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    sent = Counter((m.to[0], m.subject, m.body) for m in mail.outbox)
    assert len(mail.outbox) == notifications and max(sent.values()) == 1
    print(f"{connection.vendor}: worker rounds {[(r.created, r.emailed) for r in rounds]}")
