"""The first run: the tree from a sheet (with per-row errors, nothing half-created), typed in, or
proposed from a plan; the console's `nhiemvu setup` and `nhiemvu import --create-issuer`."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.people import directory, services
from nhiemvu.people.sheets import ORGANISATION_COLUMNS, ORGANISATION_NOT_IF, ORGANISATION_REQUIRED, read_sheet
from nhiemvu.plans.models import Plan
from nhiemvu.testing import PASSWORD, Cast

UNITS = [
    ["Tên đơn vị", "Tên viết tắt", "Tên gọi khác", "Trực thuộc", "Loại"],
    ["UBND tỉnh Lạng Sơn", "UBND tỉnh", "", "", "UBND tỉnh"],
    [
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        "Sở Nông nghiệp và PTNT",
        "UBND tỉnh Lạng Sơn",
        "Sở",
    ],
    ["Phòng Kế hoạch – Tài chính", "Phòng KH-TC", "", "Sở NN&PTNT", "Phòng"],
    ["Chi cục Kiểm lâm", "", "", "Sở NN&PTNT", ""],
]


def xlsx(
    rows: list[list[str]], *, title: str = "Đơn vị", extra: dict[str, list[list[str]]] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, more in (extra or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checked(data: bytes, name: str = "donvi.xlsx") -> list[directory.UnitRow]:
    table = read_sheet(data, name, ORGANISATION_COLUMNS, ORGANISATION_REQUIRED, not_if=ORGANISATION_NOT_IF)
    return directory.check_units(directory.unit_rows(table.rows))


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)


def test_a_sheet_in_any_column_order_creates_the_tree_parents_first(db) -> None:
    # Columns reordered, the agency named by its short name, the parent listed after its child.
    rows = [[r[3], r[0], r[4], r[1], r[2]] for r in UNITS]
    rows = [rows[0], rows[4], rows[3], rows[2], rows[1]]
    result = services.organisations_setup(rows=checked(xlsx(rows)))
    assert len(result.created) == 4
    forest = Organisation.objects.get(name="Chi cục Kiểm lâm")
    assert forest.kind == OrganisationKind.SUB_DEPARTMENT  # guessed from the name: the Loại cell was empty
    assert forest.parent is not None and forest.parent.short_name == "Sở NN&PTNT"
    assert forest.parent.aliases == ["Sở Nông nghiệp và PTNT"]
    assert (
        forest.parent.parent is not None and forest.parent.parent.kind == OrganisationKind.PROVINCE_COMMITTEE
    )


def test_importing_the_same_sheet_again_creates_nothing_new(db) -> None:
    services.organisations_setup(rows=checked(xlsx(UNITS)))
    rows = checked(xlsx(UNITS))
    assert [r.existing is not None for r in rows] == [True, True, True, True]
    result = services.organisations_setup(rows=rows)
    assert (len(result.created), len(result.existing)) == (0, 4)
    assert Organisation.objects.count() == 4


def test_a_sheet_with_bad_rows_reports_each_by_its_line_and_creates_nothing(db) -> None:
    bad = [
        *UNITS,
        ["", "CCTL", "", "Sở NN&PTNT", ""],  # line 6: no name
        ["Trung tâm Khuyến nông", "", "", "Sở Xây dựng", "Trung tâm"],  # line 7: unknown parent
        ["Ban Quản lý dự án", "", "", "Sở NN&PTNT", "Hội đồng"],  # line 8: unknown kind
        ["Chi cục Kiểm lâm", "", "", "Sở NN&PTNT", ""],  # line 9: twice under one parent
        ["Phòng A", "", "", "Phòng B", ""],  # lines 10-11: each other's parent
        ["Phòng B", "", "", "Phòng A", ""],
    ]
    rows = checked(xlsx(bad))
    problems = {r.line: " ".join(p.vi for p in r.problems) for r in rows if r.problems}
    assert set(problems) == {6, 7, 8, 9, 10, 11}
    assert "thiếu tên" in problems[6]
    assert "Sở Xây dựng" in problems[7] and "không có trong bảng" in problems[7]
    assert "Hội đồng" in problems[8]
    assert "dòng 5" in problems[9]
    assert "vòng" in problems[10]
    with pytest.raises(services.SetupError) as refused:
        services.organisations_setup(rows=rows)
    assert "dòng 6" in refused.value.message and "line 7" in refused.value.message_en
    assert Organisation.objects.count() == 0


def test_a_csv_saved_by_excel_with_semicolons_is_read(db) -> None:
    text = "\n".join(";".join(r) for r in UNITS)
    rows = checked(text.encode("utf-8-sig"), "donvi.csv")
    assert [r.name for r in rows][:2] == ["UBND tỉnh Lạng Sơn", "Sở Nông nghiệp và Phát triển nông thôn"]
    assert all(r.ok for r in rows)


def test_a_people_sheet_is_not_taken_for_units(db) -> None:
    from nhiemvu.people.sheets import SheetError

    people = [
        ["Họ và tên", "Thư điện tử", "Đơn vị", "Vai trò"],
        ["Nguyễn Văn A", "a@example.vn", "Chi cục", ""],
    ]
    with pytest.raises(SheetError) as refused:
        checked(xlsx(people))
    assert "Tên đơn vị" in refused.value.message
    # A workbook holding both: the units are read from their own sheet.
    rows = checked(xlsx(people, title="Cán bộ", extra={"Đơn vị": UNITS}))
    assert len(rows) == 4


def test_the_setup_page_is_the_administrators_only(client: Client, cast: Cast) -> None:
    for user in (cast.planning_finance, cast.director, cast.reviewer):
        client.force_login(user)
        assert client.get(reverse("people:setup")).status_code == 404


def test_the_setup_page_reads_a_sheet_shows_the_errors_then_creates_what_was_fixed(
    client: Client, admin: User
) -> None:
    client.force_login(admin)
    sheet = [*UNITS, ["Trung tâm Khuyến nông", "", "", "Sở Khuyến nông", "Trung tâm"]]
    page = client.post(
        reverse("people:setup"),
        {"action": "sheet", "file": SimpleUploadedFile("donvi.xlsx", xlsx(sheet))},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sẽ tạo 4 cơ quan, đơn vị mới; 0 đã có; 1 dòng có lỗi." in html
    assert "cơ quan cấp trên «Sở Khuyến nông» không có trong bảng hay trong hệ thống" in html
    assert Organisation.objects.count() == 0
    # The reviewer fixes the parent in the table and creates.
    data = {"row-TOTAL_FORMS": "5", "row-INITIAL_FORMS": "5", "action": "create"}
    for i, row in enumerate(sheet[1:]):
        data.update({f"row-{i}-name": row[0], f"row-{i}-short_name": row[1], f"row-{i}-aliases": row[2],
                     f"row-{i}-parent": row[3], f"row-{i}-kind": ""})  # fmt: skip
    refused = client.post(reverse("people:setup"), data)
    assert refused.status_code == 400 and Organisation.objects.count() == 0
    data["row-4-parent"] = "Sở NN&PTNT"
    done = client.post(reverse("people:setup"), data)
    agency = Organisation.objects.get(short_name="Sở NN&PTNT")
    assert done.status_code == 302 and done["Location"] == reverse("people:agency", args=[agency.pk])
    assert Organisation.objects.get(name="Trung tâm Khuyến nông").parent == agency


def test_the_setup_page_refuses_a_file_that_is_not_a_sheet(client: Client, admin: User) -> None:
    client.force_login(admin)
    page = client.post(
        reverse("people:setup"), {"action": "sheet", "file": SimpleUploadedFile("donvi.xlsx", b"not a zip")}
    )
    assert page.status_code == 400
    assert "Tệp .xlsx bị hỏng" in page.content.decode()


def test_the_setup_page_proposes_the_tree_a_plan_names(
    client: Client, admin: User, seed_plan_path: Path
) -> None:
    client.force_login(admin)
    page = client.post(
        reverse("people:setup"),
        {"action": "plan", "file": SimpleUploadedFile(seed_plan_path.name, seed_plan_path.read_bytes())},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="UBND tỉnh Lạng Sơn"' in html and 'value="Sở Nông nghiệp và PTNT"' in html
    assert 'value="Chi cục Kiểm lâm"' in html
    assert Organisation.objects.count() == 0  # proposed, not created


def test_units_from_a_plan_leave_partners_outside_the_agency_out() -> None:
    rows = directory.units_from_plan(
        {
            "document": {"issuer": "Sở Y tế", "place": "Quảng Ninh"},
            "tasks": [
                {
                    "lead_unit": "Phòng Nghiệp vụ Y",
                    "support_units": [
                        "Bảo hiểm xã hội tỉnh",
                        "các bệnh viện",
                        "Sở Tài chính",
                        "UBND các huyện",
                    ],
                }
            ],
        }
    )
    assert [r.name for r in rows] == ["UBND tỉnh Quảng Ninh", "Sở Y tế", "Phòng Nghiệp vụ Y"]


def test_nhiemvu_setup_from_a_sheet_and_the_first_administrator(
    db, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    sheet = tmp_path / "donvi.xlsx"
    sheet.write_bytes(xlsx(UNITS))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup", "--sheet", str(sheet), "--admin", "quantri", "--admin-email", "qt@example.vn", "--yes",
                     stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "[mới] Chi cục Kiểm lâm" in text and "Đã tạo 4 cơ quan" in text
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and not admin.has_usable_password()
    link = text.split("Set the password at:\n")[1].strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert mail.outbox[-1].to == ["qt@example.vn"] and link in mail.outbox[-1].body
    services.invitation_accept(token=token, password="rừng xanh Lạng Sơn 2026")
    assert Client().login(username="quantri", password="rừng xanh Lạng Sơn 2026")


def test_nhiemvu_setup_with_a_bad_row_writes_nothing(db, tmp_path: Path) -> None:
    sheet = tmp_path / "donvi.csv"
    sheet.write_text("Tên đơn vị,Trực thuộc\nSở Tài chính,UBND tỉnh Không Có\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("setup", "--sheet", str(sheet), "--yes", stdout=out)
    assert "nothing was created" in str(refused.value)
    assert "UBND tỉnh Không Có" in out.getvalue()
    assert Organisation.objects.count() == 0


def test_nhiemvu_setup_typed_on_the_console(db) -> None:
    call_command("setup", "--province", "UBND tỉnh Lạng Sơn", "--agency", "Sở Nông nghiệp và Môi trường",
                 "--agency-short", "Sở NN&MT", "--unit", "Chi cục Kiểm lâm", "--unit", "Phòng Kế hoạch – Tài chính",
                 "--yes", stdout=io.StringIO())  # fmt: skip
    agency = Organisation.objects.get(short_name="Sở NN&MT")
    assert agency.kind == OrganisationKind.DEPARTMENT
    assert sorted(agency.children.values_list("kind", flat=True)) == ["division", "sub_department"]


def test_import_with_create_issuer_on_an_empty_database(db, seed_plan_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("import", str(seed_plan_path), "--yes", stdout=io.StringIO())
    assert "--create-issuer" in str(refused.value)
    out = io.StringIO()
    call_command("import", str(seed_plan_path), "--yes", "--create-issuer", stdout=out)
    plan = Plan.objects.get()
    assert plan.issuer.name == "Sở Nông nghiệp và PTNT"
    assert plan.issuer.parent is not None and plan.issuer.parent.name == "UBND tỉnh Lạng Sơn"
    assert "Đã tạo cơ quan ban hành" in out.getvalue()


def test_import_create_issuer_answered_no_leaves_nothing(db, seed_plan_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    out = io.StringIO()
    call_command("import", str(seed_plan_path), "--create-issuer", stdout=out)
    assert "sẽ được tạo mới" in out.getvalue()
    assert Organisation.objects.count() == 0 and Plan.objects.count() == 0
