"""Pages of the plan import: upload → review (edit the extracted plan beside its source) → confirm."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from nhiemvu.cascade.services import plan_links_set
from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import organisation_parent_map
from nhiemvu.plans.models import Plan
from nhiemvu.plans.selectors import plans_visible_to

from .findings import finding_sentence, issuer_warnings
from .forms import IssuerForm, ReviewForms, UploadForm
from .links import keep_links, link_choices, posted_links
from .matching import OfficialMatcher, OrganisationMatcher
from .models import ImportSession, ImportStatus
from .parsing import ExtractionError
from .selectors import (
    import_default_issuer,
    import_issuer_choices,
    import_session_done,
    import_session_get,
    import_session_job,
    import_sessions_unfinished,
    plan_find_existing,
    user_may_import,
)
from .services import (
    import_session_commit,
    import_session_discard,
    import_session_queue,
    import_session_retry,
    import_session_revise,
    import_session_set_issuer,
    import_session_stage,
    plan_extract_upload,
)
from .tasks import read_import


def _require_importer(request: HttpRequest) -> None:
    # 404, not 403: the import pages do not exist for people who may not import.
    if not user_may_import(request.user):
        raise Http404


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request)
    issuers = import_issuer_choices(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, issuers=issuers)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            data = upload_file.read()
            try:
                plan_json = plan_extract_upload(data, upload_file.name)
            except ExtractionError as exc:
                if exc.code == "background":
                    # A scan to recognise or a .doc to convert: a job reads it; its page shows how far.
                    session = import_session_queue(
                        user=request.user,
                        issuer=form.cleaned_data["issuer"],
                        plan_kind=form.cleaned_data["plan_kind"],
                        file_name=upload_file.name,
                        data=data,
                    )
                    read_import(session.pk)
                    return redirect("ingest:progress", pk=session.pk)
                english = (get_language() or "").startswith("en")
                form.add_error("file", exc.message_en if english else exc.message_vi)
            else:
                session = import_session_stage(
                    user=request.user,
                    issuer=form.cleaned_data["issuer"],
                    plan_kind=form.cleaned_data["plan_kind"],
                    file_name=upload_file.name,
                    data=data,
                    plan_json=plan_json,
                )
                return redirect("ingest:review", pk=session.pk)
    else:
        form = UploadForm(issuers=issuers, initial={"issuer": import_default_issuer(request.user)})
    unfinished = import_sessions_unfinished(request.user)
    return render(request, "ingest/import_upload.html", {"form": form, "unfinished": unfinished})


@login_required
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How far the background reading of an upload has got; htmx asks again every second and is
    sent on to the review as soon as the plan is read."""
    _require_importer(request)
    session = import_session_job(request.user, pk)
    if session.status == ImportStatus.PENDING:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("ingest:review", args=[session.pk]))
        return redirect("ingest:review", pk=session.pk)
    if session.status not in {ImportStatus.PROCESSING, ImportStatus.FAILED}:
        done = _pending_or_where_it_went(request, pk)
        assert isinstance(done, HttpResponse)
        return HttpResponseClientRedirect(done["Location"]) if request.htmx else done
    english = (get_language() or "").startswith("en")
    context = {
        "session": session,
        "stalled": session.status == ImportStatus.PROCESSING
        and timezone.now() - session.updated_at > dt.timedelta(seconds=settings.JOB_STALL_SECONDS),
        "failure": session.failure.get("en" if english else "vi") if session.failure else "",
    }
    template = "ingest/_import_progress.html" if request.htmx else "ingest/import_progress.html"
    return render(request, template, context)


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read a failed or stalled upload again."""
    _require_importer(request)
    session = import_session_job(request.user, pk)
    try:
        session = import_session_retry(session=session)
    except DomainError:
        return redirect("ingest:progress", pk=pk)
    read_import(session.pk)
    messages.info(request, _("Đang đọc lại tệp %(name)s.") % {"name": session.file_name})
    return redirect("ingest:progress", pk=session.pk)


def _matchers(session: ImportSession) -> tuple[OrganisationMatcher, OfficialMatcher]:
    parents = organisation_parent_map()  # one read of the tree serves both matchers
    return OrganisationMatcher.for_issuer(session.issuer, parents), OfficialMatcher.for_issuer(
        session.issuer, parents
    )


def _render_review(
    request: HttpRequest,
    session: ImportSession,
    forms: ReviewForms,
    *,
    existing: Plan | None,
    error: DomainError | None = None,
    issuer_unconfirmed: bool = False,
) -> HttpResponse:
    plan_json = session.plan_json
    # Numbered as highlight_excerpts numbers its marks, so each finding links to its place in the source.
    findings = [
        dict(f, anchor=f"finding-{n}", sentence=finding_sentence(f, plan_json))
        for n, f in enumerate(plan_json.get("findings") or [], start=1)
    ]
    findings_by_task: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        if finding.get("task"):
            findings_by_task.setdefault(finding["task"], []).append(finding)
    rows = forms.task_rows()
    for row in rows:
        row["findings"] = findings_by_task.get(row["code"], [])
    candidates = link_choices(session, rows, posted_links(request.POST) if request.method == "POST" else None)
    org_rows = [{"form": f, "matched": forms.org_matched.get(f["name"].value())} for f in forms.org_matches]
    official_rows = [
        {"form": f, "matched": forms.official_matched.get(f["name"].value())} for f in forms.official_matches
    ]
    source_html = highlight_excerpts(
        _source_text(session),
        [f.get("excerpt") or "" for f in findings],
        doubtful=ocr_doubtful_words(session),
    )
    context = {
        "session": session,
        "forms": forms,
        "task_rows": rows,
        "provincial_tasks": candidates,
        "plan_target_rows": forms.plan_target_rows(),
        "org_rows": org_rows,
        "official_rows": official_rows,
        "plan_findings": [f for f in findings if not f.get("task")],
        "findings": findings,
        "existing": existing,
        "existing_visible": existing is not None
        and plans_visible_to(request.user).filter(pk=existing.pk).exists(),
        "source_html": source_html,
        "ocr": ocr_summary(session.ocr_pages, marked=source_html.count('class="nv-ocr-mark"')),
        "error": error,
        "issuer_warnings": issuer_warnings(plan_json, session.issuer, forms.organisations_tree),
        "issuer_unconfirmed": issuer_unconfirmed,
        "issuer_form": IssuerForm(
            issuers=import_issuer_choices(request.user), initial={"issuer": session.issuer}
        ),
    }
    return render(request, "ingest/import_review.html", context)


def _pending_or_where_it_went(request: HttpRequest, pk: int) -> ImportSession | HttpResponse:
    """The user's pending import; for one already confirmed or cancelled (*Back*, a bookmark, a
    second click on «Xác nhận»), the page it led to with a word of why, instead of a 404; for one
    still being read, its progress page."""
    try:
        return import_session_get(request.user, pk)
    except Http404:
        done = import_session_done(request.user, pk)
        if done is None:
            if import_sessions_unfinished(request.user).filter(pk=pk).exists():
                return redirect("ingest:progress", pk=pk)
            raise
    if done.plan_id is not None:
        messages.info(request, _("Kế hoạch này đã được nhập; đây là kế hoạch đã lưu."))
        return redirect("plans:plan-detail", pk=done.plan_id)
    messages.info(request, _("Lượt nhập này đã được hủy; hãy tải tệp lên lại nếu cần."))
    return redirect("ingest:upload")


@login_required
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    session = _pending_or_where_it_went(request, pk)
    if isinstance(session, HttpResponse):
        return session
    organisations, officials = _matchers(session)
    forms = ReviewForms.build(session.plan_json, organisations=organisations, officials=officials)
    existing = plan_find_existing(session.plan_json, session.content_hash, session.issuer)
    return _render_review(request, session, forms, existing=existing)


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    session = _pending_or_where_it_went(request, pk)
    if isinstance(session, HttpResponse):
        return session  # confirmed twice (a double click, a resubmitted form): nothing is written again
    organisations, officials = _matchers(session)
    forms = ReviewForms.build(
        session.plan_json, organisations=organisations, officials=officials, data=request.POST
    )
    existing = plan_find_existing(session.plan_json, session.content_hash, session.issuer)
    if not forms.is_valid():
        return _render_review(request, session, forms, existing=existing)
    try:
        plan_json = forms.to_json(session.plan_json)
    except DomainError as exc:
        return _render_review(request, session, forms, existing=existing, error=exc)
    chosen = posted_links(request.POST)
    keep_links(plan_json, chosen)
    if request.POST.get("action") == "recheck":
        import_session_revise(session=session, plan_json=plan_json)
        messages.success(request, _("Đã lưu các chỗ sửa và kiểm tra lại văn bản."))
        return redirect("ingest:review", pk=session.pk)
    if issuer_warnings(plan_json, session.issuer, forms.organisations_tree) and not request.POST.get(
        "confirm_issuer"
    ):
        return _render_review(request, session, forms, existing=existing, issuer_unconfirmed=True)
    existing = plan_find_existing(plan_json, session.content_hash, session.issuer)
    update = request.POST.get("mode") == "update"
    try:
        if existing is not None and not plans_visible_to(request.user).filter(pk=existing.pk).exists():
            raise DomainError(
                _("Văn bản này đã được nhập vào một kế hoạch mà bạn không có quyền xem."),
                message_en="This document was imported into a plan you cannot see.",
            )
        with transaction.atomic():  # the plan and its links to the province's tasks, or neither
            plan = import_session_commit(
                session=session,
                user=request.user,
                plan_json=plan_json,
                decisions=forms.decisions(),
                update=update,
            )
            if chosen:
                plan_links_set(user=request.user, plan=plan, chosen=chosen)
    except DomainError as exc:
        return _render_review(request, session, forms, existing=existing, error=exc)
    if existing is not None:
        messages.success(request, _("Đã cập nhật kế hoạch «%(title)s».") % {"title": plan.title})
    else:
        messages.success(request, _("Đã nhập kế hoạch «%(title)s».") % {"title": plan.title})
    return redirect("plans:plan-detail", pk=plan.pk)


@login_required
@require_POST
def change_issuer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Another issuing body for a staged plan; the review is shown again, matched in its tree."""
    _require_importer(request)
    session = import_session_get(request.user, pk)
    form = IssuerForm(request.POST, issuers=import_issuer_choices(request.user))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một cơ quan ban hành trong danh sách."))
        return redirect("ingest:review", pk=session.pk)
    session = import_session_set_issuer(
        session=session, issuer=form.cleaned_data["issuer"], user=request.user
    )
    messages.info(
        request,
        _("Cơ quan ban hành: %(issuer)s. Các đơn vị, cán bộ đã được đối chiếu lại trong cơ quan này.")
        % {"issuer": session.issuer.name},
    )
    return redirect("ingest:review", pk=session.pk)


@login_required
@require_POST
def discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    session = import_session_job(request.user, pk)
    try:
        import_session_discard(session=session)
    except DomainError:
        return redirect("ingest:progress", pk=pk)
    messages.info(request, _("Đã hủy lượt nhập tệp %(name)s.") % {"name": session.file_name})
    return redirect("ingest:upload")


def _source_text(session: ImportSession) -> str:
    """The document's text: the extractor's, else the file itself if it is text, else the outline."""
    if session.source_text:
        return session.source_text
    if session.file_name.lower().endswith((".txt", ".md")):
        return bytes(session.file_bytes).decode("utf-8", errors="replace")
    from nhiemvu.ingest.parsing import render_outline

    return render_outline(session.plan_json)


def ocr_doubtful_words(session: ImportSession) -> list[tuple[str, int]]:
    """The words the recogniser was unsure of, page after page, with their confidence."""
    return [(w["text"], w["confidence"]) for page in session.ocr_pages for w in page.get("low_words") or []]


def ocr_summary(pages: list[dict[str, Any]], *, marked: int) -> dict[str, Any] | None:
    """What the review says about a scan: pages, mean confidence, how many unsure words are marked
    in the source text, the pages to check closely."""
    if not pages:
        return None
    from .parsing.ocr import LOW_PAGE_CONFIDENCE

    words = sum(p["words"] for p in pages) or 1
    return {
        "pages": len(pages),
        "confidence": round(sum(p["confidence"] * p["words"] for p in pages) / words),
        "doubtful": marked,
        "weak_pages": [p for p in pages if p["confidence"] < LOW_PAGE_CONFIDENCE],
    }


def highlight_excerpts(
    text: str, excerpts: list[str], doubtful: Sequence[tuple[str, int]] = ()
) -> SafeString:
    """The text escaped, with each finding's excerpt marked where it first occurs, and each word
    recognition was unsure of (``doubtful``, in reading order) marked where it next occurs.

    White space is matched loosely: excerpts are folded to single spaces, the source is not.

    >>> str(highlight_excerpts("Số: /KH-SNN\\nngày  tháng <2>", ["ngày tháng <2>"]))
    'Số: /KH-SNN\\n<mark class="nv-finding-mark" id="finding-1">ngày  tháng &lt;2&gt;</mark>'
    >>> str(highlight_excerpts("Quý IH/2023 và Tiếu học", [], [("Tiếu", 41)]))
    'Quý IH/2023 và <mark class="nv-ocr-mark" title="Nhận dạng chưa chắc chắn (41%)">Tiếu</mark> học'
    """
    spans: list[tuple[int, int, str]] = []
    for number, excerpt in enumerate(excerpts, start=1):
        words = excerpt.split()
        if not words:
            continue
        match = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if match and not any(s < match.end() and match.start() < e for s, e, _ in spans):
            spans.append(
                (match.start(), match.end(), f'<mark class="nv-finding-mark" id="finding-{number}">')
            )
    at = 0
    for word, confidence in doubtful:
        found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text[at:])
        if found is None:
            continue
        start, end = at + found.start(), at + found.end()
        at = end
        if not any(s < end and start < e for s, e, _ in spans):
            title = escape(_("Nhận dạng chưa chắc chắn (%(confidence)s%%)") % {"confidence": confidence})
            spans.append((start, end, f'<mark class="nv-ocr-mark" title="{title}">'))
    spans.sort()
    out: list[str] = []
    at = 0
    for start, end, opening in spans:
        out.append(escape(text[at:start]))
        out.append(f"{opening}{escape(text[start:end])}</mark>")
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))
