"""The review's "carries out which provincial task" choices: proposed, ticked, kept across re-checks.

An agency's plan implements its share of the province's decision on key tasks. For each task under
review the cascade proposes the provincial tasks assigned to the agency that it most likely carries
out (by wording and the cited decision); the best one is ticked when it is convincing, and a person
confirms or changes the choice. The choice is kept in the staged plan JSON (`provincial_links`, a
key of this project's own) so that «Lưu chỗ sửa và kiểm tra lại» does not lose it, and written as
links when the plan is confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from nhiemvu.cascade.selectors import PROPOSAL_CHECKED, PROVINCE, Candidate, Proposal, draft_proposals

from .models import ImportSession

KEY = "provincial_links"


def posted_links(data: QueryDict) -> dict[str, set[int]] | None:
    """The choices a review form sent: task code → provincial task ids; None when it showed none."""
    codes = data.getlist("links-shown")
    if not codes:
        return None
    return {code: {int(v) for v in data.getlist(f"link-{code}") if v.isdigit()} for code in codes}


def keep_links(plan_json: dict[str, Any], chosen: Mapping[str, set[int]] | None) -> dict[str, Any]:
    if chosen is not None:
        plan_json[KEY] = {code: sorted(ids) for code, ids in chosen.items()}
    return plan_json


def link_choices(
    session: ImportSession, rows: list[dict[str, Any]], posted: Mapping[str, set[int]] | None = None
) -> list[Candidate]:
    """Add each task row's proposals and ticked ids (`row["links"]`); returns the agency's provincial
    tasks (empty when the province assigned it none, or the plan is the province's own)."""
    if session.issuer.kind == PROVINCE:
        return []
    plan_json = session.plan_json
    year = (plan_json.get("document") or {}).get("year")
    references = [r.get("number") or "" for r in plan_json.get("references") or []]
    tasks = [(row["code"], str(row["form"]["title"].value() or "")) for row in rows if not row["spare"]]
    candidates, proposals = draft_proposals(
        agency_id=session.issuer_id, year=year, tasks=tasks, references=references
    )
    if not candidates:
        return []
    stored = plan_json.get(KEY)
    # A heading's sub-tasks carry the work (and the reports): the heading is proposed, never ticked.
    headings = {str(row["form"]["parent"].value() or "") for row in rows}
    for row in rows:
        if row["spare"]:
            continue
        code = row["code"]
        found: list[Proposal] = proposals.get(code, [])
        if posted is not None and code in posted:
            chosen = posted[code]
        elif isinstance(stored, dict) and code in stored:
            chosen = {int(pk) for pk in stored[code]}
        else:
            chosen = {
                p.candidate.pk for p in found[:1] if p.score >= PROPOSAL_CHECKED and code not in headings
            }
        shown = {p.candidate.pk for p in found}
        row["links"] = {
            "proposals": [{"p": p, "checked": p.candidate.pk in chosen} for p in found],
            # Chosen by hand earlier (the select below): shown ticked with the proposals.
            "extra": [c for c in candidates if c.pk in chosen and c.pk not in shown],
        }
    return candidates
