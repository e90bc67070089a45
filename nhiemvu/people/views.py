"""The first run (an administrator sets up the tree) and the agency's people (Planning-Finance).

Every page answers someone outside its scope as if the agency or the person did not exist (404),
and the setup page only to an administrator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.models import Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import organisation_descendant_ids, organisation_parent_map

from . import directory, selectors, services
from .forms import (
    DeactivateForm,
    InvitationAcceptForm,
    PersonForm,
    PlanUploadForm,
    SheetUploadForm,
    UnitRowFormSet,
    unit_row_initial,
)
from .sheets import (
    ORGANISATION_COLUMNS,
    ORGANISATION_NOT_IF,
    ORGANISATION_REQUIRED,
    PEOPLE_COLUMNS,
    PEOPLE_REQUIRED,
    SheetError,
    read_sheet,
)

IMPORT_SALT = "nhiemvu.people.import"

# --- first run ----------------------------------------------------------------------------------


def _administrator(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_superuser):
        raise Http404


def _blank_rows() -> list[directory.UnitRow]:
    """What the typed-in setup starts from: the province, the agency under it, room for its units."""
    rows = [
        directory.UnitRow(line=1, name="", kind=OrganisationKind.PROVINCE_COMMITTEE.value),
        directory.UnitRow(line=2, name="", kind=OrganisationKind.DEPARTMENT.value),
    ]
    rows += [directory.UnitRow(line=i, name="") for i in range(3, 9)]
    return rows


def _rows_from_formset(formset: Any) -> list[directory.UnitRow]:
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        data = form.cleaned_data if form.is_valid() else {}
        if data.get("skip") or not any(
            str(data.get(k) or "").strip() for k in ("name", "short_name", "parent")
        ):
            continue
        rows.append(
            directory.UnitRow(
                line=number,
                name=" ".join(str(data.get("name") or "").split()),
                short_name=" ".join(str(data.get("short_name") or "").split()),
                aliases=directory.split_names(str(data.get("aliases") or "")),
                parent=" ".join(str(data.get("parent") or "").split()),
                kind=str(data.get("kind") or ""),
                email=str(data.get("email") or "").strip(),
            )
        )
    return rows


def _setup_page(
    request: HttpRequest,
    *,
    rows: list[directory.UnitRow],
    source: str,
    checked: bool,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    formset = UnitRowFormSet(initial=unit_row_initial(rows), prefix="row")
    problems = {index: row for index, row in enumerate(rows)}
    return render(
        request,
        "people/setup.html",
        {
            "formset": formset,
            "lines": [(form, problems.get(i)) for i, form in enumerate(formset.forms)],
            "rows": rows,
            "checked": checked,
            "source": source,
            "error": error,
            "bad": sum(1 for r in rows if r.problems),
            "new": sum(1 for r in rows if r.ok and r.existing is None),
            "existing": sum(1 for r in rows if r.existing is not None),
            "sheet_form": SheetUploadForm(),
            "plan_form": PlanUploadForm(),
            "stored": Organisation.objects.count(),
        },
        status=status,
    )


@login_required
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The administrator's first run: the province, the agency and its units, typed in, from a
    sheet, or proposed from a plan document; checked on one page, created all at once."""
    _administrator(request)
    if request.method != "POST":
        return _setup_page(request, rows=_blank_rows(), source="typed", checked=False)
    action = request.POST.get("action", "")
    if action == "sheet":
        form = SheetUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _setup_page(
                request,
                rows=_blank_rows(),
                source="sheet",
                checked=False,
                error=_first_error(form),
                status=400,
            )
        upload = form.cleaned_data["file"]
        try:
            table = read_sheet(
                upload.read(),
                upload.name or "",
                ORGANISATION_COLUMNS,
                ORGANISATION_REQUIRED,
                not_if=ORGANISATION_NOT_IF,
            )
        except SheetError as exc:
            return _setup_page(
                request, rows=_blank_rows(), source="sheet", checked=False, error=_both(exc), status=400
            )
        rows = directory.check_units(directory.unit_rows(table.rows))
        return _setup_page(request, rows=rows, source="sheet", checked=True)
    if action == "plan":
        return _setup_from_plan(request)
    formset = UnitRowFormSet(request.POST, prefix="row")
    if not formset.is_valid():
        return _setup_page(
            request,
            rows=_blank_rows(),
            source="typed",
            checked=False,
            error=_("Bảng không hợp lệ; hãy tải lại trang."),
            status=400,
        )
    rows = _rows_from_formset(formset)
    if action == "more":
        rows = directory.check_units(rows) if rows else rows
        rows += [directory.UnitRow(line=len(rows) + i, name="") for i in range(1, 6)]
        return _setup_page(request, rows=rows, source="typed", checked=False)
    rows = directory.check_units(rows)
    if action != "create":
        return _setup_page(request, rows=rows, source="typed", checked=True)
    try:
        result = services.organisations_setup(rows=rows)
    except DomainError as exc:
        return _setup_page(
            request, rows=rows, source="typed", checked=True, error=exc.localized_message, status=400
        )
    messages.success(
        request,
        _("Đã tạo %(created)s cơ quan, đơn vị (%(existing)s đã có từ trước). Bước tiếp theo: mời cán bộ.")
        % {"created": len(result.created), "existing": len(result.existing)},
    )
    agencies = [
        o for o in result.created + result.existing if o.kind in selectors.AGENCY_KINDS and o.parent_id
    ]
    if agencies:
        return redirect("people:agency", agency=agencies[0].pk)
    return redirect("people:index")


def _setup_from_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    from nhiemvu.ingest.parsing import ExtractionError, extract_bytes

    form = PlanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _setup_page(
            request, rows=_blank_rows(), source="plan", checked=False, error=_first_error(form), status=400
        )
    upload = form.cleaned_data["file"]
    try:
        plan_json = extract_bytes(upload.read(), upload.name or "", max_bytes=settings.MAX_UPLOAD_BYTES)
    except ExtractionError as exc:
        message = exc.message_vi if not _english(request) else exc.message_en
        if exc.code == "background":
            message = _(
                "Tệp này cần đọc ở chế độ nền (bản quét, .doc). Hãy dùng bản .docx, .pdf có lớp chữ hoặc .txt, "
                "hoặc nhập tay các đơn vị."
            )
        return _setup_page(
            request, rows=_blank_rows(), source="plan", checked=False, error=message, status=400
        )
    rows = directory.units_from_plan(plan_json)
    if not rows:
        return _setup_page(
            request,
            rows=_blank_rows(),
            source="plan",
            checked=False,
            error=_("Văn bản không nêu cơ quan ban hành hay đơn vị nào; hãy nhập tay."),
            status=400,
        )
    return _setup_page(request, rows=directory.check_units(rows), source="plan", checked=True)


def _english(request: HttpRequest) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


def _both(exc: SheetError) -> str:
    return f"{exc.message} / {exc.message_en}"


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Tệp không hợp lệ.")


# --- the agency's people --------------------------------------------------------------------------


def _agency(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    agency = get_object_or_404(selectors.agencies_managed_by(request.user), pk=pk)
    if not selectors.may_manage(request.user, agency):
        raise Http404
    return agency


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Straight to one's own agency; an administrator picks one (or is sent to set one up)."""
    agencies = list(selectors.agencies_managed_by(request.user).order_by("name"))
    if not agencies:
        if request.user.is_superuser:
            return redirect("people:setup")
        raise Http404
    if len(agencies) == 1:
        return redirect("people:agency", agency=agencies[0].pk)
    return render(request, "people/index.html", {"agencies": agencies})


def _units(agency: Organisation) -> Any:
    inside = organisation_descendant_ids(agency.pk, organisation_parent_map())
    return (
        Organisation.objects.filter(pk__in=inside)
        .exclude(kind=OrganisationKind.EXTERNAL)
        .order_by("parent_id", "name")
    )


def _roles(user: User) -> list[tuple[str, str]]:
    allowed = directory.grantable_roles(superuser=user.is_superuser)
    return [(role.value, str(role.label)) for role in Role if role in allowed]


@login_required
def agency(request: AuthenticatedHttpRequest, agency: int) -> HttpResponse:
    org = _agency(request, agency)
    lines = selectors.people_lines(org)
    return render(
        request,
        "people/agency.html",
        {
            "agency": org,
            "lines": lines,
            "counts": {
                "active": sum(1 for line in lines if line.state == "active"),
                "invited": sum(1 for line in lines if line.state == "invited"),
                "left": sum(1 for line in lines if line.state == "left"),
            },
        },
    )


@login_required
def person_add(request: AuthenticatedHttpRequest, agency: int) -> HttpResponse:
    org = _agency(request, agency)
    form = PersonForm(request.POST or None, units=_units(org), roles=_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.person_invite(
                actor=request.user,
                agency=org,
                full_name=data["full_name"],
                email=data["email"],
                organisation=data["organisation"],
                role=data["role"],
                position=data["position"],
                phone=data["phone"],
            )
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            messages.success(
                request,
                _("Đã tạo tài khoản %(username)s và gửi lời mời đặt mật khẩu tới %(email)s.")
                % {"username": invited.user.username, "email": invited.user.email},
            )
            return redirect("people:person", agency=org.pk, pk=invited.user.pk)
    return render(
        request, "people/person_add.html", {"agency": org, "form": form}, status=400 if form.errors else 200
    )


@login_required
def people_import(request: AuthenticatedHttpRequest, agency: int) -> HttpResponse:
    """Many people from a sheet: read, every row checked and shown, then invited all at once."""
    org = _agency(request, agency)
    context: dict[str, Any] = {"agency": org, "form": SheetUploadForm()}
    if request.method != "POST":
        return render(request, "people/people_import.html", context)
    if request.POST.get("action") == "confirm":
        try:
            raw = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            context["error"] = _("Bảng đã hết hạn hoặc bị sửa; hãy tải tệp lên lại.")
            return render(request, "people/people_import.html", context, status=400)
        rows = directory.check_people(
            directory.person_rows([(line, values) for line, values in raw]),
            agency=org,
            superuser=request.user.is_superuser,
        )
        try:
            invited = services.people_import(actor=request.user, agency=org, rows=rows)
        except DomainError as exc:
            context.update(rows=rows, error=exc.localized_message, payload=request.POST.get("payload"))
            return render(request, "people/people_import.html", context, status=400)
        messages.success(
            request, _("Đã tạo %(count)s tài khoản và gửi lời mời đặt mật khẩu.") % {"count": len(invited)}
        )
        return redirect("people:agency", agency=org.pk)
    form = SheetUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "people/people_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        table = read_sheet(upload.read(), upload.name or "", PEOPLE_COLUMNS, PEOPLE_REQUIRED)
    except SheetError as exc:
        context["error"] = _both(exc)
        return render(request, "people/people_import.html", context, status=400)
    rows = directory.check_people(
        directory.person_rows(table.rows), agency=org, superuser=request.user.is_superuser
    )
    context.update(
        rows=rows,
        sheet=table.sheet,
        bad=sum(1 for r in rows if r.problems),
        payload=signing.dumps(table.rows, salt=IMPORT_SALT, compress=True),
    )
    return render(request, "people/people_import.html", context)


@login_required
def person(request: AuthenticatedHttpRequest, agency: int, pk: int) -> HttpResponse:
    org = _agency(request, agency)
    user = selectors.person_get(org, pk)
    return _person_page(
        request, org, user, DeactivateForm(colleagues=selectors.colleagues_of(org, excluding=user))
    )


def _person_page(
    request: AuthenticatedHttpRequest, org: Organisation, user: User, form: DeactivateForm, status: int = 200
) -> HttpResponse:
    lines = [line for line in selectors.people_lines(org) if line.user.pk == user.pk]
    return render(
        request,
        "people/person.html",
        {
            "agency": org,
            "person": user,
            "line": lines[0] if lines else None,
            "official": getattr(user, "official", None),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, agency: int, pk: int) -> HttpResponse:
    org = _agency(request, agency)
    user = selectors.person_get(org, pk)
    try:
        services.invitation_resend(actor=request.user, agency=org, user=user)
    except DomainError as exc:
        messages.error(request, exc.localized_message)
    else:
        messages.success(
            request,
            _("Đã gửi lại lời mời tới %(email)s; liên kết cũ không dùng được nữa.") % {"email": user.email},
        )
    return redirect("people:person", agency=org.pk, pk=user.pk)


@login_required
@require_POST
def person_deactivate(request: AuthenticatedHttpRequest, agency: int, pk: int) -> HttpResponse:
    org = _agency(request, agency)
    user = selectors.person_get(org, pk)
    form = DeactivateForm(request.POST, colleagues=selectors.colleagues_of(org, excluding=user))
    if form.is_valid():
        try:
            handed = services.person_deactivate(
                actor=request.user, agency=org, user=user, successor=form.cleaned_data["successor"]
            )
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            messages.success(
                request,
                _(
                    "Đã khóa tài khoản %(name)s. Bàn giao: %(reports)s báo cáo, %(steps)s bước lộ trình, "
                    "%(tasks)s nhiệm vụ chỉ đạo; %(sessions)s phiên đăng nhập đã kết thúc."
                )
                % {
                    "name": user.get_full_name() or user.username,
                    "reports": handed.reports,
                    "steps": handed.steps,
                    "tasks": handed.tasks,
                    "sessions": handed.sessions,
                },
            )
            return redirect("people:agency", agency=org.pk)
    return _person_page(request, org, user, form, status=400)


# --- the invited person -------------------------------------------------------------------------


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: set a first password, then straight in."""
    try:
        found = services.invitation_find(token)
    except DomainError as exc:
        return render(
            request,
            "people/invitation.html",
            {"refused": exc.localized_message, "code": exc.code},
            status=410 if exc.code in ("invitation_expired", "invitation_used") else 404,
        )
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            form.add_error("new_password1", exc.localized_message)
        else:
            # A session of someone else on this computer is flushed by login(): the invited person's own starts.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Đã đặt mật khẩu. Chào mừng anh/chị đến với nhiemvu."))
            return redirect("home")
    return render(
        request,
        "people/invitation.html",
        {"form": form, "invited": found.user, "expires_at": found.expires_at},
        status=400 if form.errors else 200,
    )
