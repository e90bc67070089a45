from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nhiemvu.organisations.models import Membership, Official, Organisation, Role, Succession
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db


def test_two_units_with_the_same_name_under_one_parent_are_refused(cast: Cast) -> None:
    twin = Organisation(parent=cast.department, name="Chi cục Kiểm lâm")
    with pytest.raises(ValidationError, match="Đã có một đơn vị cùng tên"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_two_top_level_bodies_with_the_same_name_are_refused(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(parent=None, name=cast.province.name)


def test_an_organisation_cannot_be_its_own_parent(cast: Cast) -> None:
    cast.forest_unit.parent_id = cast.forest_unit.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        cast.forest_unit.save()


def test_a_merger_is_recorded_and_old_plans_keep_the_old_name(cast: Cast) -> None:
    merged = Organisation.objects.create(parent=cast.province, name="Sở Nông nghiệp và Môi trường")
    Succession.objects.create(
        predecessor=cast.department, successor=merged, kind="merged", effective_on=dt.date(2025, 3, 1)
    )
    assert [s.successor for s in cast.department.successions.all()] == [merged]
    assert cast.department.name == "Sở Nông nghiệp và Phát triển nông thôn"


def test_a_body_cannot_succeed_itself(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Succession.objects.create(
            predecessor=cast.department,
            successor=cast.department,
            kind="renamed",
            effective_on=dt.date(2025, 1, 1),
        )


def test_the_same_role_twice_in_one_organisation_is_refused(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=cast.director, organisation=cast.department, role=Role.DIRECTOR)


def test_a_membership_that_ends_before_it_starts_is_refused(cast: Cast) -> None:
    membership = Membership(
        user=cast.director,
        organisation=cast.forest_unit,
        role=Role.UNIT_STAFF,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError, match="Ngày kết thúc phải sau ngày bắt đầu"):
        membership.full_clean()


def test_two_officials_with_one_name_in_one_organisation_are_refused(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Official.objects.create(full_name="Lê Thị Phó", organisation=cast.department)


def test_all_names_lists_the_full_name_first_without_repeats(cast: Cast) -> None:
    assert cast.department.all_names == [
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        "Sở Nông nghiệp và PTNT",
    ]
