"""The audit trail's one table: django-auditlog's entry plus the organisation it belongs to."""

from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance: Any, force_log: bool = False, **kwargs: Any) -> Any:
        from .registry import owning_organisation_id

        if kwargs.get("changes") is not None or force_log:
            kwargs.setdefault("organisation_id", owning_organisation_id(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    """One create, change or delete of an audited object: who, when, what, before and after.

    Written only by django-auditlog's signal handlers; no view, form or admin page writes here.
    `organisation_id` is a plain number, not a foreign key: deleting an organisation must not
    cascade into (or null out) the record of what happened to it.
    """

    organisation_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, verbose_name="cơ quan sở hữu"
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        indexes = [models.Index(fields=["organisation_id", "-timestamp"], name="audit_org_time_idx")]
