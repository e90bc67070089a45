"""The database refuses to change (and on PostgreSQL, to delete) audit entries, even when asked
directly: the application not offering it is not the only guard."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from nhiemvu.audit.models import AuditEntry
from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(cast: Cast) -> AuditEntry:
    make_plan(cast, tasks=1)
    found = AuditEntry.objects.order_by("pk").first()
    assert found is not None
    return found


@pytest.mark.parametrize(
    "change",
    [
        {"changes_text": "đã sửa"},
        {"object_repr": "khác"},
        {"organisation_id": 999},
        {"action": AuditEntry.Action.DELETE},
        {"actor_email": "someone@example.gov.vn"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_an_entry_cannot_be_updated(entry: AuditEntry, change: dict[str, object]) -> None:
    before = AuditEntry.objects.filter(pk=entry.pk).values().get()
    with pytest.raises(IntegrityError, match="audit trail cannot be changed"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(**change)
    assert AuditEntry.objects.filter(pk=entry.pk).values().get() == before


def test_setting_someone_else_as_the_actor_is_refused(entry: AuditEntry, cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor=cast.outsider)


def test_deleting_a_user_keeps_their_entries_without_the_link(cast: Cast) -> None:
    """The one update let through: on_delete=SET_NULL, nothing else touched."""
    user = get_user_model().objects.create_user(username="tamthoi", password="x", email="tt@example.gov.vn")
    with set_actor(user):
        make_plan(cast, tasks=1)
    theirs = list(AuditEntry.objects.filter(actor=user).values_list("pk", flat=True))
    assert theirs
    count = AuditEntry.objects.count()
    user.delete()
    assert AuditEntry.objects.count() == count
    kept = AuditEntry.objects.filter(pk__in=theirs)
    assert {(e.actor_id, e.actor_email) for e in kept} == {(None, "tt@example.gov.vn")}


def test_an_entry_cannot_be_deleted_on_postgresql(entry: AuditEntry) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's trigger guards updates only (Django's flush empties tables with DELETE)")
    with pytest.raises(IntegrityError, match="audit trail cannot be changed"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
