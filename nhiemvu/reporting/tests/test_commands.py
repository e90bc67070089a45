from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db


def test_planning_finance_generates_and_locks_periods_from_the_command_line(cast: Cast, capsys) -> None:
    plan = make_plan(cast, tasks=1)
    call_command(
        "periods", plan.pk, "--generate", "--lock", "2023-06", "--as", cast.planning_finance.username
    )
    out = capsys.readouterr().out
    assert "Quý II/2023" in out and "2023-06" in out and "[khóa]" in out
    assert plan.periods.get(key="2023-06").is_locked


def test_unit_staff_cannot_lock_a_period_from_the_command_line_either(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    call_command("periods", plan.pk, "--generate", "--as", cast.planning_finance.username)
    with pytest.raises(CommandError, match="Phòng Kế hoạch"):
        call_command("periods", plan.pk, "--lock", "2023-06", "--as", cast.unit_staff.username)
    assert not plan.periods.get(key="2023-06").is_locked


def test_changing_periods_needs_a_user(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    with pytest.raises(CommandError, match="--as"):
        call_command("periods", plan.pk, "--generate")
    assert plan.periods.count() == 0
