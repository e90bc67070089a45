"""The web import: upload → review → confirm, who may use it, and what bad files do."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession, ImportStatus
from nhiemvu.organisations.models import Membership, Role
from nhiemvu.plans.models import Plan, SourceDocument, Target, Task
from nhiemvu.testing import Cast, form_data, review_form_data

parsing = pytest.importorskip("nhiemvu.ingest.parsing", reason="the extractor is not written yet")
if not hasattr(parsing, "extract_bytes"):
    pytest.skip("nhiemvu.ingest.parsing.extract_bytes is missing", allow_module_level=True)

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def upload(client: Client, name: str, data: bytes, issuer: Any) -> Any:
    return client.post(
        reverse("ingest:upload"), {"file": SimpleUploadedFile(name, data), "issuer": issuer.pk}
    )


def written() -> tuple[int, ...]:
    return (
        ImportSession.objects.count(),
        Plan.objects.count(),
        Task.objects.count(),
        Target.objects.count(),
        SourceDocument.objects.count(),
    )


@pytest.fixture
def seed_bytes(seed_plan_path: Path) -> bytes:
    return seed_plan_path.read_bytes()


@pytest.fixture
def staged(client: Client, cast: Cast, seed_bytes: bytes) -> ImportSession:
    login(client, cast.planning_finance)
    response = upload(client, "lang-son-snn-2023.txt", seed_bytes, cast.department)
    assert response.status_code == 302
    return ImportSession.objects.get()


def test_the_upload_page_offers_the_users_department_as_issuer(client: Client, cast: Cast) -> None:
    response = login(client, cast.planning_finance).get(reverse("ingest:upload"))

    assert response.status_code == 200
    assert 'data-testid="upload-form"' in response.content.decode()
    assert response.context["form"]["issuer"].value() == cast.department.pk


def test_an_upload_is_staged_and_shown_for_review(client: Client, cast: Cast, staged: ImportSession) -> None:
    assert staged.created_by == cast.planning_finance
    assert staged.status == ImportStatus.PENDING
    assert staged.source_text and "source_text" not in staged.plan_json

    response = client.get(reverse("ingest:review", args=[staged.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="task-title-1.1"' in html
    assert 'data-testid="confirm"' in html
    assert 'class="nv-finding-mark"' in html
    assert "Chi cục Kiểm lâm" in html


def test_the_review_page_takes_a_fixed_number_of_queries(
    client: Client, staged: ImportSession, django_assert_max_num_queries: Any
) -> None:
    # Session, user, role check (shared with the navigation bar), the pending import, the organisation tree, the tree's bodies and
    # officials (loaded once, matched in memory for every name of the plan), the duplicate checks
    # by hash and by number, the unread-notification count of the bell, and the "imported for"
    # choice (the user's memberships, the tree, the bodies listed): thirteen, whatever the number
    # of tasks, units or people in the plan.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("ingest:review", args=[staged.pk]))
    assert response.status_code == 200


def test_confirming_the_review_creates_the_plan_and_goes_to_it(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    data = review_form_data(client.get(reverse("ingest:review", args=[staged.pk])).content.decode())
    data["task-1-title"] = "Hỗ trợ phát triển mới 05 chuỗi liên kết (đã sửa)"
    data["mode"] = "create"

    response = client.post(reverse("ingest:confirm", args=[staged.pk]), data, follow=True)

    plan = Plan.objects.get()
    assert response.redirect_chain[0][0] == reverse("plans:plan-detail", args=[plan.pk])
    assert "Đã nhập kế hoạch" in response.content.decode()
    assert plan.issuer == cast.department and plan.created_by == cast.planning_finance
    assert plan.tasks.get(code="1.1").title.endswith("(đã sửa)")
    assert plan.source_document is not None
    assert plan.source_document.content_hash == staged.content_hash
    staged.refresh_from_db()
    assert (staged.status, staged.plan) == (ImportStatus.COMMITTED, plan)


def test_a_match_chosen_on_review_is_used(client: Client, cast: Cast, staged: ImportSession) -> None:
    html = client.get(reverse("ingest:review", args=[staged.pk])).content.decode()
    data = review_form_data(html)
    row = next(k for k, v in data.items() if k.startswith("org-") and v == "Chi cục Kiểm lâm")
    data[row.replace("-name", "-choice")] = str(cast.rural_unit.pk)

    client.post(reverse("ingest:confirm", args=[staged.pk]), data)

    assert Plan.objects.get().tasks.get(code="1.3").lead_unit == cast.rural_unit


def test_an_invalid_edit_is_shown_on_the_review_and_writes_nothing(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    data = review_form_data(client.get(reverse("ingest:review", args=[staged.pk])).content.decode())
    row = next(
        k for k, v in data.items() if k.startswith("target-") and k.endswith("-name") and v
    ).removesuffix("-name")
    data[f"{row}-comparator"] = "range"
    data[f"{row}-max"] = ""
    before = written()

    response = client.post(reverse("ingest:confirm", args=[staged.pk]), data)

    assert response.status_code == 200
    assert "Chỉ tiêu dạng khoảng cần giá trị tối đa" in response.content.decode()
    assert written() == before


def test_uploading_the_same_file_again_offers_to_update_the_plan_in_place(
    client: Client, cast: Cast, staged: ImportSession, seed_bytes: bytes
) -> None:
    first = review_form_data(client.get(reverse("ingest:review", args=[staged.pk])).content.decode())
    client.post(reverse("ingest:confirm", args=[staged.pk]), first)
    plan = Plan.objects.get()
    task_ids = dict(plan.tasks.values_list("code", "id"))

    upload(client, "lang-son-snn-2023.txt", seed_bytes, cast.department)
    again = ImportSession.objects.filter(status=ImportStatus.PENDING).get()
    html = client.get(reverse("ingest:review", args=[again.pk])).content.decode()
    assert 'data-testid="existing-plan"' in html
    assert "Cập nhật kế hoạch đã có" in html
    assert "Xác nhận và lưu kế hoạch" not in html
    data = review_form_data(html)
    data["mode"] = "update"
    data["task-0-title"] = "Tái cơ cấu ngành nông nghiệp (cập nhật)"

    response = client.post(reverse("ingest:confirm", args=[again.pk]), data)

    assert response.status_code == 302
    assert Plan.objects.count() == 1
    assert dict(Plan.objects.get().tasks.values_list("code", "id")) == task_ids
    assert Task.objects.get(code="1").title.endswith("(cập nhật)")


def test_confirming_a_duplicate_without_asking_for_an_update_is_refused(
    client: Client, cast: Cast, staged: ImportSession, seed_bytes: bytes
) -> None:
    client.post(
        reverse("ingest:confirm", args=[staged.pk]),
        review_form_data(client.get(reverse("ingest:review", args=[staged.pk])).content.decode()),
    )
    upload(client, "copy.txt", seed_bytes, cast.department)
    again = ImportSession.objects.filter(status=ImportStatus.PENDING).get()
    data = review_form_data(client.get(reverse("ingest:review", args=[again.pk])).content.decode())
    data["mode"] = "create"

    response = client.post(reverse("ingest:confirm", args=[again.pk]), data)

    assert response.status_code == 200
    assert "đã được nhập" in response.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("who", ["unit_staff", "outsider", "director", "reviewer"])
def test_people_without_the_planning_finance_role_get_404_everywhere(
    client: Client, cast: Cast, staged: ImportSession, who: str
) -> None:
    login(client, getattr(cast, who))

    assert client.get(reverse("ingest:upload")).status_code == 404
    assert client.get(reverse("ingest:review", args=[staged.pk])).status_code == 404
    assert client.post(reverse("ingest:confirm", args=[staged.pk]), {}).status_code == 404
    assert client.post(reverse("ingest:discard", args=[staged.pk])).status_code == 404


def test_another_planning_finance_users_import_is_404(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    colleague = get_user_model().objects.create_user(username="khtc2", password="x" * 12)
    Membership.objects.create(
        user=colleague, organisation=cast.planning_finance_division, role=Role.PLANNING_FINANCE
    )
    login(client, colleague)

    assert client.get(reverse("ingest:upload")).status_code == 200
    assert client.get(reverse("ingest:review", args=[staged.pk])).status_code == 404
    assert client.post(reverse("ingest:confirm", args=[staged.pk]), {}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, cast: Cast) -> None:
    response = client.get(reverse("ingest:upload"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_discarding_an_import_closes_it(client: Client, staged: ImportSession) -> None:
    response = client.post(reverse("ingest:discard", args=[staged.pk]))

    assert response.status_code == 302
    staged.refresh_from_db()
    assert staged.status == ImportStatus.DISCARDED
    # The closed review is no dead end: back to the upload page, saying what became of it.
    back = client.get(reverse("ingest:review", args=[staged.pk]), follow=True)
    assert back.redirect_chain[-1][0] == reverse("ingest:upload")
    assert "Lượt nhập này đã được hủy" in back.content.decode()
    assert client.post(reverse("ingest:confirm", args=[staged.pk]), {})["Location"] == reverse(
        "ingest:upload"
    )


def _docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (11 * 1024 * 1024))
    return buffer.getvalue()


def _pdf_without_text() -> bytes:
    """A valid one-page PDF with nothing on the page: what a scan without OCR looks like to a reader."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize(
    "name, data, vi, en",
    [
        ("rong.txt", b"", "rỗng", "empty"),
        ("rac.txt", bytes(range(256)) * 40, "không phải", "not"),
        ("bang-tinh.xlsx", b"some spreadsheet", "hỏng", "corrupt"),
        ("anh-dong.gif", b"GIF89a\x01\x00\x01\x00", "không được hỗ trợ", "Unsupported"),
        ("chuong-trinh.exe", b"MZ\x90\x00 binary", "không được hỗ trợ", "Unsupported"),
        ("hong.pdf", b"\x00\x01 not a pdf at all", "hỏng", "corrupt"),
        ("hong.docx", b"PK\x03\x04 truncated", "hỏng", "corrupt"),
        ("mat-khau.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "mật khẩu", "password"),
        ("bom.docx", _docx_bomb(), "bất thường", "zip bomb"),
        ("thu.txt", "Công văn gửi các đơn vị.\nKhông có nhiệm vụ nào.".encode(), "nhiệm vụ", "task"),
    ],
)
def test_a_file_the_extractor_cannot_read_gives_a_form_error_in_the_interfaces_language_and_writes_nothing(
    client: Client, cast: Cast, name: str, data: bytes, vi: str, en: str
) -> None:
    login(client, cast.planning_finance)

    response = upload(client, name, data, cast.department)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert vi in errors and en not in errors, errors
    assert written() == (0, 0, 0, 0, 0)

    client.cookies["django_language"] = "en"
    response = upload(client, name, data, cast.department)
    errors = " ".join(response.context["form"].errors["file"])
    assert en in errors and vi not in errors, errors
    assert written() == (0, 0, 0, 0, 0)


def test_a_file_over_the_size_limit_is_refused_before_extraction(
    client: Client, cast: Cast, settings: Any, seed_bytes: bytes
) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    login(client, cast.planning_finance)

    response = upload(client, "lang-son-snn-2023.txt", seed_bytes, cast.department)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "quá lớn" in errors and "too large" in errors
    assert written() == (0, 0, 0, 0, 0)


def test_an_issuer_outside_the_users_tree_is_refused(client: Client, cast: Cast, seed_bytes: bytes) -> None:
    from nhiemvu.organisations.models import Organisation

    stranger = Organisation.objects.create(name="UBND tỉnh Khác")
    login(client, cast.planning_finance)

    response = upload(client, "lang-son-snn-2023.txt", seed_bytes, stranger)

    assert response.status_code == 200
    assert response.context["form"].errors["issuer"]
    assert written() == (0, 0, 0, 0, 0)


def test_the_issuer_can_be_changed_on_review_and_the_plan_is_imported_for_it(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    """Within the importer's own department: a unit's own roadmap is imported for the unit."""
    review = client.get(reverse("ingest:review", args=[staged.pk])).content.decode()
    assert form_data(review, "issuer-form")["issuer"] == str(cast.department.pk)

    response = client.post(
        reverse("ingest:issuer", args=[staged.pk]), {"issuer": cast.forest_unit.pk}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("ingest:review", args=[staged.pk])
    assert f"Cơ quan ban hành: {cast.forest_unit.name}" in html
    assert form_data(html, "issuer-form")["issuer"] == str(cast.forest_unit.pk)
    data = review_form_data(html)
    data["mode"] = "create"
    client.post(reverse("ingest:confirm", args=[staged.pk]), data)
    assert Plan.objects.get().issuer == cast.forest_unit


@pytest.mark.parametrize("body", ["province", "other_department"])
def test_the_province_and_a_sibling_department_are_not_the_importers_to_choose(
    client: Client, cast: Cast, staged: ImportSession, body: str
) -> None:
    """Issue 22: a plan imported in another body's name would vanish from its author's sight."""
    review = client.get(reverse("ingest:review", args=[staged.pk])).content.decode()
    other = getattr(cast, body)
    assert f'value="{other.pk}"' not in review.split('data-testid="issuer-form"', 1)[1].split("</form>", 1)[0]
    client.post(reverse("ingest:issuer", args=[staged.pk]), {"issuer": other.pk})
    staged.refresh_from_db()
    assert staged.issuer == cast.department


def test_an_issuer_the_user_may_not_import_for_is_refused_on_review(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    response = client.post(
        reverse("ingest:issuer", args=[staged.pk]), {"issuer": cast.other_department.pk}, follow=True
    )

    assert "Hãy chọn một cơ quan ban hành trong danh sách." in response.content.decode()
    staged.refresh_from_db()
    assert staged.issuer == cast.department and staged.status == ImportStatus.PENDING
