"""Rows → the dicts the response schemas describe. Builders take prefetched objects and never query."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.plans.models import Finding, Plan, Task
from nhiemvu.reporting.models import Attachment, Obstacle, ProgressReport, ReportingPeriod
from nhiemvu.reporting.snapshot import TaskProgress
from nhiemvu.reporting.status import attainment

from .numbers import number


def organisation_out(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent": org.parent_id,
        "email": org.email,
    }


def official_out(official: Official) -> dict[str, Any]:
    return {
        "id": official.pk,
        "name": official.full_name,
        "title": official.position,
        "organisation": official.organisation_id,
    }


def plan_out(plan: Plan) -> dict[str, Any]:
    doc = plan.source_document
    return {
        "id": plan.pk,
        "title": plan.title,
        "year": plan.year,
        "status": plan.status,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "issuer": organisation_out(plan.issuer),
        "compiler": plan.compiler_id,
        "document": {
            "kind": doc.kind or None,
            "number": doc.number or None,
            "symbol": doc.symbol or None,
            "issued_on": doc.issued_on,
            "issuer": doc.issuer_name or None,
        }
        if doc is not None
        else None,
        "reporting_frequencies": list(plan.reporting_frequencies or []),
        "task_count": getattr(plan, "task_count", 0),
        "target_count": getattr(plan, "target_count", 0),
    }


def finding_out(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "code": finding.code,
        "task": finding.task.code if finding.task else None,
        "excerpt": finding.excerpt,
        "message": finding.message,
        "status": finding.status,
    }


def plan_detail_out(plan: Plan, findings: list[Finding]) -> dict[str, Any]:
    return {
        **plan_out(plan),
        "signer_name": plan.signer_name,
        "signer_title": plan.signer_title,
        "recipients": list(plan.recipients or []),
        "findings": [finding_out(f) for f in findings],
    }


def task_out(task: Task, progress: TaskProgress | None) -> dict[str, Any]:
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "code": task.code,
        "parent": task.parent_id,
        "title": task.title,
        "leader": official_out(task.leader) if task.leader else None,
        "lead_unit": organisation_out(task.lead_unit) if task.lead_unit else None,
        "support_units": sorted(u.pk for u in task.support_units.all()),
        "deadline": task.deadline,
        "recurrence": task.recurrence,
        "status": str(progress.status) if progress else "not_started",
        "percent_done": number(progress.percent_done) if progress else None,
    }


def task_detail_out(task: Task, progress: TaskProgress) -> dict[str, Any]:
    return {
        **task_out(task, progress),
        "targets": [
            {
                "id": t.target.pk,
                "task": task.pk,
                "name": t.target.name,
                "unit": t.target.unit,
                "comparator": t.target.comparator,
                "value": number(t.target.value),
                "max_value": number(t.target.max_value),
                "change": t.target.change,
                "actual": number(t.actual),
                "attainment": number(t.attainment),
            }
            for t in progress.targets
        ],
        "milestones": [
            {
                "id": m.milestone.pk,
                "due": m.milestone.due,
                "text": m.milestone.text,
                "value": number(m.milestone.value),
                "unit": m.milestone.unit,
                "status": str(m.status),
            }
            for m in progress.milestones
        ],
    }


def target_out(target: Any, actual: Any) -> dict[str, Any]:
    return {
        "id": target.pk,
        "task": target.task_id,
        "name": target.name,
        "unit": target.unit,
        "comparator": target.comparator,
        "value": number(target.value),
        "max_value": number(target.max_value),
        "change": target.change,
        "actual": number(actual),
        "attainment": number(
            attainment(
                comparator=target.comparator,
                value=target.value,
                actual=actual,
                max_value=target.max_value,
                change=target.change,
                baseline=target.baseline,
            )
        ),
    }


def period_out(period: ReportingPeriod, reporting_frequency: str) -> dict[str, Any]:
    return {
        "id": period.pk,
        "plan": period.plan_id,
        "frequency": period.frequency,
        "key": period.key,
        "label": period.label,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "due_on": period.due_on,
        "locked": period.is_locked,
        "reporting": period.frequency == reporting_frequency,
    }


def _user_name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def obstacle_out(obstacle: Obstacle) -> dict[str, Any]:
    report = obstacle.report
    return {
        "id": obstacle.pk,
        "report": report.pk,
        "task": report.task_id,
        "organisation": report.organisation_id,
        "period": report.period_id,
        "description": obstacle.description,
        "needs": obstacle.needs,
        "addressed_to": obstacle.addressed_to,
        "status": obstacle.status,
        "answer": obstacle.answer,
        "answered_at": obstacle.answered_at,
        "answered_by": _user_name(obstacle.answered_by),
    }


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "report": attachment.report_id,
        "file_name": attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "uploaded_at": attachment.created_at,
        "download": reverse("api:attachment_download", kwargs={"attachment_id": attachment.pk}),
    }


def report_out(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "task": report.task_id,
        "plan": report.task.plan_id,
        "period": report.period_id,
        "organisation": report.organisation_id,
        "is_lead": report.is_lead,
        "version": report.version,
        "supersedes": report.supersedes_id,
        "status": report.status,
        "revision": report.revision,
        "percent_done": number(report.percent_done),
        "completed_on": report.completed_on,
        "narrative": report.narrative,
        "proposals": report.proposals,
        "values": [
            {"target": v.target_id, "actual": number(v.actual), "estimate": number(v.estimate)}
            for v in sorted(report.values.all(), key=lambda v: v.target_id)
        ],
        "obstacles": [obstacle_out(o) for o in sorted(report.obstacles.all(), key=lambda o: o.pk)],
        "milestones_met": sorted(m.pk for m in report.milestones_met.all()),
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "events": [
            {"at": e.at, "from_status": e.from_status, "to_status": e.to_status, "comment": e.comment}
            for e in sorted(report.events.all(), key=lambda e: (e.at, e.pk))
        ],
    }
