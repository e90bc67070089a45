"""Checking a directory before anything is written: the units to create, the people to invite.

Rows come from a sheet, from the setup form or from a plan document; each is checked on its own
and against the others and the stored tree, and carries its errors in Vietnamese and English with
its line number, so the page (or the console) shows every problem at once and nothing is written
until there are none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from nhiemvu.ingest.matching import OrganisationMatcher, guess_kind, looks_outside, name_key
from nhiemvu.organisations.models import Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import organisation_descendant_ids, organisation_parent_map

from .sheets import fold_heading, split_names

# The ways a sheet writes a kind of body, folded; the codes themselves also work.
KIND_WORDS: dict[str, OrganisationKind] = {
    "ubnd tinh": OrganisationKind.PROVINCE_COMMITTEE,
    "uy ban nhan dan tinh": OrganisationKind.PROVINCE_COMMITTEE,
    "tinh": OrganisationKind.PROVINCE_COMMITTEE,
    "so": OrganisationKind.DEPARTMENT,
    "so, ban, nganh": OrganisationKind.DEPARTMENT,
    "co quan": OrganisationKind.DEPARTMENT,
    "chi cuc": OrganisationKind.SUB_DEPARTMENT,
    "phong": OrganisationKind.DIVISION,
    "van phong": OrganisationKind.DIVISION,
    "thanh tra": OrganisationKind.DIVISION,
    "ban": OrganisationKind.BOARD,
    "ban quan ly": OrganisationKind.BOARD,
    "trung tam": OrganisationKind.CENTRE,
    "don vi su nghiep": OrganisationKind.CENTRE,
    "trung tam, don vi su nghiep": OrganisationKind.CENTRE,
    "ubnd huyen": OrganisationKind.DISTRICT,
    "ubnd cap huyen": OrganisationKind.DISTRICT,
    "huyen": OrganisationKind.DISTRICT,
    "ubnd xa": OrganisationKind.COMMUNE,
    "ubnd cap xa": OrganisationKind.COMMUNE,
    "xa": OrganisationKind.COMMUNE,
    "dang, doan the": OrganisationKind.PARTY,
    "co quan dang, doan the": OrganisationKind.PARTY,
    "ngoai": OrganisationKind.EXTERNAL,
    "phoi hop": OrganisationKind.EXTERNAL,
    "khac": OrganisationKind.OTHER,
    # A sheet written in English
    "provincial people's committee": OrganisationKind.PROVINCE_COMMITTEE,
    "department": OrganisationKind.DEPARTMENT,
    "sub-department": OrganisationKind.SUB_DEPARTMENT,
    "division": OrganisationKind.DIVISION,
    "centre": OrganisationKind.CENTRE,
    "center": OrganisationKind.CENTRE,
    "district": OrganisationKind.DISTRICT,
    "commune": OrganisationKind.COMMUNE,
    "partner": OrganisationKind.EXTERNAL,
}
ROLE_WORDS: dict[str, Role] = {
    "giam doc": Role.DIRECTOR,
    "gd": Role.DIRECTOR,
    "pho giam doc": Role.DEPUTY_DIRECTOR,
    "pgd": Role.DEPUTY_DIRECTOR,
    "ke hoach tai chinh": Role.PLANNING_FINANCE,
    "ke hoach - tai chinh": Role.PLANNING_FINANCE,
    "ke hoach – tai chinh": Role.PLANNING_FINANCE,
    "phong ke hoach – tai chinh": Role.PLANNING_FINANCE,
    "phong ke hoach - tai chinh": Role.PLANNING_FINANCE,
    "phong ke hoach tai chinh": Role.PLANNING_FINANCE,
    "khtc": Role.PLANNING_FINANCE,
    "kh-tc": Role.PLANNING_FINANCE,
    "can bo don vi": Role.UNIT_STAFF,
    "can bo": Role.UNIT_STAFF,
    "chuyen vien": Role.UNIT_STAFF,
    "don vi": Role.UNIT_STAFF,
    "chuyen vien theo doi cap tinh": Role.PROVINCIAL_REVIEWER,
    # A sheet written in English
    "director": Role.DIRECTOR,
    "deputy director": Role.DEPUTY_DIRECTOR,
    "planning-finance": Role.PLANNING_FINANCE,
    "planning finance": Role.PLANNING_FINANCE,
    "unit staff": Role.UNIT_STAFF,
    "staff": Role.UNIT_STAFF,
    "provincial reviewer": Role.PROVINCIAL_REVIEWER,
}
for _kind in OrganisationKind:
    KIND_WORDS.setdefault(_kind.value, _kind)
    KIND_WORDS.setdefault(fold_heading(str(_kind.label)), _kind)
for _role in Role:
    ROLE_WORDS.setdefault(_role.value, _role)
    ROLE_WORDS.setdefault(fold_heading(str(_role.label)), _role)


def parse_kind(text: str) -> OrganisationKind | None:
    """The kind a sheet names, or None when it names none we know.

    >>> [str(parse_kind(t)) for t in ("Chi cục", "Trung tâm, đơn vị sự nghiệp", "board")]
    ['sub_department', 'centre', 'board']
    >>> parse_kind("xyz") is None
    True
    """
    return KIND_WORDS.get(fold_heading(text))


def parse_role(text: str) -> Role | None:
    """The role a sheet names (`Phó Giám đốc`, `PGĐ`, `KHTC`, `Cán bộ đơn vị`, or the code).

    >>> [str(parse_role(t)) for t in ("PGĐ", "Phòng Kế hoạch – Tài chính", "cán bộ đơn vị", "Deputy director")]
    ['deputy_director', 'planning_finance', 'unit_staff', 'deputy_director']
    """
    return ROLE_WORDS.get(fold_heading(text))


@dataclass
class Problem:
    vi: str
    en: str


@dataclass
class UnitRow:
    """One body to create (or found already stored) and what is wrong with it."""

    line: int
    name: str
    short_name: str = ""
    aliases: list[str] = field(default_factory=list)
    parent: str = ""
    kind: str = ""
    email: str = ""
    existing: Organisation | None = None
    parent_org: Organisation | None = None  # the stored parent, when the parent is not a row
    parent_row: int | None = None  # the index of the parent row, when it is one
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def unit_rows(values: Iterable[tuple[int, dict[str, str]]]) -> list[UnitRow]:
    """Sheet rows (line, {field: text}) as unit rows, not yet checked."""
    return [
        UnitRow(
            line=line,
            name=" ".join(v.get("name", "").split()),
            short_name=" ".join(v.get("short_name", "").split()),
            aliases=split_names(v.get("aliases", "")),
            parent=" ".join(v.get("parent", "").split()),
            kind=v.get("kind", "").strip(),
            email=v.get("email", "").strip(),
        )
        for line, v in values
    ]


def check_units(rows: list[UnitRow]) -> list[UnitRow]:
    """Each row's problems: no name, an unknown kind, a parent that is neither a row nor stored (or
    more than one stored body of that name), a name given twice under one parent, a circle.

    A row naming a body already stored under the same parent is kept as `existing` (not an error:
    a sheet may be imported again after a fix).
    """
    stored = list(Organisation.objects.order_by("name"))
    by_key: dict[str, list[Organisation]] = {}
    for org in stored:
        for name in org.all_names:
            by_key.setdefault(name_key(name), [])
            if org not in by_key[name_key(name)]:
                by_key[name_key(name)].append(org)
    row_keys: dict[str, int] = {}
    for index, row in enumerate(rows):
        for name in (row.name, row.short_name, *row.aliases):
            if name:
                row_keys.setdefault(name_key(name), index)

    for index, row in enumerate(rows):
        row.problems = []
        row.existing = row.parent_org = row.parent_row = None
        if not row.name:
            row.problems.append(Problem("thiếu tên đơn vị", "the name is missing"))
            continue
        if len(row.name) > 255 or len(row.short_name) > 80:
            row.problems.append(Problem("tên quá dài", "the name is too long"))
        if row.kind:
            kind = parse_kind(row.kind)
            if kind is None:
                row.problems.append(
                    Problem(
                        f"loại «{row.kind}» không rõ; dùng một trong: "
                        + ", ".join(str(k.label) for k in OrganisationKind),
                        f"unknown kind {row.kind!r}",
                    )
                )
            else:
                row.kind = kind.value
        else:
            row.kind = guess_kind(row.name)
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                row.problems.append(Problem(f"thư điện tử «{row.email}» không hợp lệ", "invalid e-mail"))
        if row.parent:
            key = name_key(row.parent)
            if key in row_keys and row_keys[key] != index:
                row.parent_row = row_keys[key]
            elif len(by_key.get(key, [])) == 1:
                row.parent_org = by_key[key][0]
            elif by_key.get(key):
                row.problems.append(
                    Problem(
                        f"có nhiều cơ quan tên «{row.parent}» trong hệ thống; ghi tên đầy đủ hơn",
                        f"several stored bodies are named {row.parent!r}",
                    )
                )
            else:
                row.problems.append(
                    Problem(
                        f"cơ quan cấp trên «{row.parent}» không có trong bảng hay trong hệ thống",
                        f"the parent {row.parent!r} is neither in the sheet nor stored",
                    )
                )
    _check_circles(rows)
    _check_twins(rows)
    # Parents first: a row under a stored row's body may name a stored body too.
    for _ in range(len(rows)):
        changed = False
        for row in rows:
            if not row.ok or row.existing is not None:
                continue
            if row.parent_row is None:
                parent_id: int | None = row.parent_org.pk if row.parent_org else None
            elif (above := rows[row.parent_row].existing) is not None:
                parent_id = above.pk
            else:
                continue
            row.existing = _stored_twin(parent_id, row.name, by_key)
            changed = changed or row.existing is not None
        if not changed:
            break
    return rows


def _check_circles(rows: list[UnitRow]) -> None:
    for index, row in enumerate(rows):
        seen = {index}
        current = row.parent_row
        while current is not None:
            if current in seen:
                row.problems.append(
                    Problem("các dòng trực thuộc lẫn nhau thành vòng", "the rows are each other's parents")
                )
                break
            seen.add(current)
            current = rows[current].parent_row


def _check_twins(rows: list[UnitRow]) -> None:
    seen: dict[tuple[object, str], int] = {}
    for row in rows:
        if not row.name:
            continue
        parent: object = ("row", row.parent_row) if row.parent_row is not None else ("org", row.parent_org)
        key = (parent, name_key(row.name))
        if key in seen:
            row.problems.append(
                Problem(
                    f"trùng tên với dòng {seen[key]} (cùng cơ quan cấp trên)",
                    f"same name as line {seen[key]} under the same parent",
                )
            )
        else:
            seen[key] = row.line


def _stored_twin(
    parent_id: int | None, name: str, by_key: dict[str, list[Organisation]]
) -> Organisation | None:
    """The stored body of this name under this parent (None: at the top of the tree)."""
    for org in by_key.get(name_key(name), []):
        if org.parent_id == parent_id:
            return org
    return None


def units_from_plan(plan_json: dict) -> list[UnitRow]:
    """The tree a plan document suggests: the province (from the place line), the issuer under it,
    and the units its tasks name as lead or partner under the issuer, except bodies that look like
    partners outside the agency (police, banks, "các xã"), which are left for the reviewer to add.

    >>> rows = units_from_plan({"document": {"issuer": "Sở Nông nghiệp và PTNT", "place": "Lạng Sơn"},
    ...     "tasks": [{"lead_unit": "Chi cục Kiểm lâm", "support_units": ["Công an tỉnh", "Phòng KH-TC"]}]})
    >>> [(r.name, r.parent, r.kind) for r in rows]
    [('UBND tỉnh Lạng Sơn', '', 'province_committee'), ('Sở Nông nghiệp và PTNT', 'UBND tỉnh Lạng Sơn', 'department'), ('Chi cục Kiểm lâm', 'Sở Nông nghiệp và PTNT', 'sub_department'), ('Phòng KH-TC', 'Sở Nông nghiệp và PTNT', 'division')]
    """
    document = plan_json.get("document") or {}
    issuer = " ".join(str(document.get("issuer") or "").split())
    place = " ".join(str(document.get("place") or "").split())
    rows: list[UnitRow] = []
    province = ""
    if place:
        province = f"UBND tỉnh {place}"
        rows.append(UnitRow(line=1, name=province, kind=OrganisationKind.PROVINCE_COMMITTEE.value))
    if issuer:
        issuer_kind = guess_kind(issuer)
        if issuer_kind == OrganisationKind.OTHER:
            issuer_kind = OrganisationKind.DEPARTMENT.value
        rows.append(UnitRow(line=len(rows) + 1, name=issuer, parent=province, kind=issuer_kind))
    seen = {name_key(r.name) for r in rows}
    for task in plan_json.get("tasks") or []:
        for name in [task.get("lead_unit"), *(task.get("support_units") or [])]:
            name = " ".join(str(name or "").split())
            if not name or name_key(name) in seen:
                continue
            kind = guess_kind(name)
            if looks_outside(name, kind) or kind in (
                OrganisationKind.DEPARTMENT,
                OrganisationKind.DISTRICT,
                OrganisationKind.COMMUNE,
                OrganisationKind.PROVINCE_COMMITTEE,
            ):
                continue
            seen.add(name_key(name))
            rows.append(UnitRow(line=len(rows) + 1, name=name, parent=issuer, kind=kind))
    return rows


@dataclass
class PersonRow:
    """One person to invite and what is wrong with the row."""

    line: int
    full_name: str
    email: str
    unit: str = ""
    role: str = ""
    position: str = ""
    phone: str = ""
    organisation: Organisation | None = None
    role_value: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def person_rows(values: Iterable[tuple[int, dict[str, str]]]) -> list[PersonRow]:
    return [
        PersonRow(
            line=line,
            full_name=" ".join(v.get("full_name", "").split()),
            email=v.get("email", "").strip().lower(),
            unit=" ".join(v.get("unit", "").split()),
            role=v.get("role", "").strip(),
            position=" ".join(v.get("position", "").split()),
            phone=" ".join(v.get("phone", "").split()),
        )
        for line, v in values
    ]


def grantable_roles(*, superuser: bool) -> set[Role]:
    """The roles an agency's Planning-Finance gives; the province's reviewers are the administrator's."""
    roles = {Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.PLANNING_FINANCE, Role.UNIT_STAFF}
    return roles | {Role.PROVINCIAL_REVIEWER} if superuser else roles


def check_people(rows: list[PersonRow], *, agency: Organisation, superuser: bool) -> list[PersonRow]:
    """Each row's problems: name or e-mail missing or malformed, an e-mail given twice or already
    someone's account, a unit outside the agency, a role unknown or not the agency's to give."""
    from django.contrib.auth.models import User

    parents = organisation_parent_map()
    matcher = OrganisationMatcher.for_issuer(agency, parents)
    inside = organisation_descendant_ids(agency.pk, parents)
    emails = [r.email for r in rows if r.email]
    taken = {e.lower() for e in User.objects.filter(email__in=emails).values_list("email", flat=True)}
    taken |= {e.lower() for e in User.objects.filter(username__in=emails).values_list("username", flat=True)}
    seen: dict[str, int] = {}
    allowed = grantable_roles(superuser=superuser)
    for row in rows:
        row.problems = []
        if not row.full_name:
            row.problems.append(Problem("thiếu họ và tên", "the name is missing"))
        if not row.email:
            row.problems.append(Problem("thiếu thư điện tử", "the e-mail is missing"))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                row.problems.append(Problem(f"thư điện tử «{row.email}» không hợp lệ", "invalid e-mail"))
            else:
                if row.email in seen:
                    row.problems.append(
                        Problem(f"thư điện tử trùng với dòng {seen[row.email]}", "e-mail given twice")
                    )
                elif row.email in taken:
                    row.problems.append(
                        Problem(f"đã có tài khoản dùng thư điện tử {row.email}", "an account has this e-mail")
                    )
                seen.setdefault(row.email, row.line)
        org = matcher.match(row.unit) if row.unit else agency
        if org is None or org.pk not in inside:
            row.problems.append(
                Problem(
                    f"đơn vị «{row.unit}» không thuộc {agency.display_name}",
                    f"the unit {row.unit!r} is not part of {agency.display_name}",
                )
            )
        row.organisation = org if org is not None and org.pk in inside else None
        role = parse_role(row.role) if row.role else Role.UNIT_STAFF
        if role is None:
            row.problems.append(
                Problem(
                    f"vai trò «{row.role}» không rõ; dùng một trong: "
                    + ", ".join(str(r.label) for r in Role if r in allowed),
                    f"unknown role {row.role!r}",
                )
            )
        elif role not in allowed:
            row.problems.append(
                Problem(
                    f"không được giao vai trò «{role.label}»", f"the role {role.value} is not yours to give"
                )
            )
        row.role_value = role.value if role is not None else ""
    return rows
