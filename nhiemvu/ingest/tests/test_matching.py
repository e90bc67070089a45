"""Name matching: abbreviations, Unicode forms, dashes and "và"/"&" (developed on the seed and dev plans)."""

from __future__ import annotations

import unicodedata

import pytest

from nhiemvu.ingest.matching import (
    OfficialMatcher,
    OrganisationMatcher,
    guess_kind,
    name_key,
    organisations_named,
    person_key,
)
from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.testing import Cast

SAME = [
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở NN và PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở Nông nghiệp và PTNT", "Sở Nông nghiệp & Phát triển nông thôn"),
    ("Phòng KH-TC", "Phòng Kế hoạch – Tài chính"),
    ("Phòng KHTC", "Phòng Kế hoạch - Tài chính"),
    ("Phòng Kế hoạch—Tài chính", "phòng kế hoạch và tài chính"),
    ("Ban QLDA CSHT chuỗi giá trị nông nghiệp", "Ban Quản lý dự án Cơ sở hạ tầng chuỗi giá trị nông nghiệp"),
    ("Chi cục Trồng trọt và BVTV", "Chi cục Trồng trọt và Bảo vệ thực vật"),
    ("Phòng GD&ĐT", "Phòng Giáo dục và Đào tạo"),
    ("Sở GTVT", "Sở Giao thông vận tải"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở VH-TT-DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở LĐ-TB&XH", "Sở Lao động – Thương binh và Xã hội"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("UBND huyện Tam Nông", "Ủy ban nhân dân huyện Tam Nông"),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
    ("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin"),  # old tone placement
    ("CHI CỤC KIỂM LÂM", "Chi cục Kiểm lâm"),
    ("TT Khuyến công và Xúc tiến thương mại", "Trung tâm Khuyến công và Xúc tiến thương mại"),
    ("Văn phòng Điều phối NTM tỉnh", "Văn phòng Điều phối nông thôn mới tỉnh"),
]

DIFFERENT = [
    ("Phòng Kế hoạch - Tài chính", "Phòng Kế hoạch - Tài chính - Tổng hợp"),
    ("Chi cục Kiểm lâm", "Chi cục Phát triển nông thôn"),
    ("Sở Y tế", "Sở Công Thương"),
]


@pytest.mark.parametrize("written, stored", SAME)
def test_names_written_differently_share_a_key(written: str, stored: str) -> None:
    assert name_key(written) == name_key(stored)


@pytest.mark.parametrize("written, stored", DIFFERENT)
def test_different_bodies_keep_different_keys(written: str, stored: str) -> None:
    assert name_key(written) != name_key(stored)


def test_decomposed_unicode_matches_composed() -> None:
    name = "Chi cục Phát triển nông thôn"
    assert name_key(unicodedata.normalize("NFD", name)) == name_key(name)


@pytest.mark.parametrize(
    "written, stored",
    [
        ("Đ/c Nguyễn Phúc Đạt", "Nguyễn Phúc Đạt"),
        ("đồng chí  NGUYỄN phúc đạt", "Nguyễn Phúc Đạt"),
        ("Ông Lê Văn A", "Lê Văn A"),
    ],
)
def test_person_names_ignore_forms_of_address_and_case(written: str, stored: str) -> None:
    assert person_key(written) == person_key(stored)


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Chi cục Kiểm lâm", OrganisationKind.SUB_DEPARTMENT),
        ("Phòng Quản lý thương mại", OrganisationKind.DIVISION),
        ("Ban QLDA CSHT chuỗi giá trị nông nghiệp", OrganisationKind.BOARD),
        ("Trung tâm Kiểm soát bệnh tật tỉnh", OrganisationKind.CENTRE),
        ("UBND huyện Tam Nông", OrganisationKind.DISTRICT),
        ("UBND các xã, thị trấn", OrganisationKind.COMMUNE),
        ("Sở Nội vụ", OrganisationKind.DEPARTMENT),
        ("Công an tỉnh", OrganisationKind.OTHER),
    ],
)
def test_the_kind_of_a_new_body_is_guessed_from_its_first_words(name: str, kind: str) -> None:
    assert guess_kind(name) == kind


@pytest.mark.django_db
def test_the_matcher_finds_units_by_full_name_short_name_alias_and_abbreviation(cast: Cast) -> None:
    matcher = OrganisationMatcher.for_issuer(cast.department)

    assert matcher.match("Phòng KH-TC") == cast.planning_finance_division
    assert matcher.match("Phòng Kế hoạch - Tài chính") == cast.planning_finance_division
    assert matcher.match("Sở Nông nghiệp và PTNT") == cast.department
    assert matcher.match("Sở NN & PTNT") == cast.department
    assert matcher.match("Chi cuc Kiem lam") == cast.forest_unit  # typed without diacritics
    assert matcher.match("Sở Y tế") == cast.other_department  # elsewhere in the province's tree
    assert matcher.match("Chi cục Thủy lợi") is None


@pytest.mark.django_db
def test_the_matcher_prefers_a_body_under_the_issuer(cast: Cast) -> None:
    Organisation.objects.create(
        parent=cast.other_department, name="Văn phòng Sở", kind=OrganisationKind.DIVISION
    )
    own = Organisation.objects.create(
        parent=cast.department, name="Văn phòng Sở", kind=OrganisationKind.DIVISION
    )

    assert OrganisationMatcher.for_issuer(cast.department).match("Văn phòng Sở") == own


@pytest.mark.django_db
def test_the_matcher_ignores_other_provinces(cast: Cast) -> None:
    elsewhere = Organisation.objects.create(name="UBND tỉnh Khác")
    Organisation.objects.create(
        parent=elsewhere, name="Chi cục Thủy lợi", kind=OrganisationKind.SUB_DEPARTMENT
    )

    assert OrganisationMatcher.for_issuer(cast.department).match("Chi cục Thủy lợi") is None


@pytest.mark.django_db
def test_officials_are_matched_by_normalised_name(cast: Cast) -> None:
    assert OfficialMatcher.for_issuer(cast.department).match("Đ/c LÊ THỊ PHÓ") == cast.deputy_official


@pytest.mark.django_db
def test_the_command_line_finds_an_issuer_by_any_of_its_names(cast: Cast) -> None:
    assert organisations_named("Sở NN&PTNT") == [cast.department]
    assert organisations_named("Sở Không Có") == []
