"""`nhiemvu periods PLAN_ID`: list a plan's reporting periods; generate, lock or unlock them as a user.

Writes go through the same services and permission rules as the web: `--as` names the user
on whose behalf the operator acts (a planning-finance account).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from nhiemvu.core.errors import DomainError
from nhiemvu.plans.models import Plan
from nhiemvu.reporting import access
from nhiemvu.reporting.services import period_lock, period_unlock, periods_generate


class Command(BaseCommand):
    help = "Kỳ báo cáo của kế hoạch / A plan's reporting periods: list, generate, lock, unlock."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("plan", type=int, help="plan id")
        parser.add_argument("--generate", action="store_true", help="create missing periods")
        parser.add_argument(
            "--due-working-days", type=int, help="send-by date, working days after the cut-off"
        )
        parser.add_argument("--lock", metavar="KEY", help="lock a period, e.g. 2023-06")
        parser.add_argument("--unlock", metavar="KEY", help="unlock a period")
        parser.add_argument("--as", dest="username", help="act as this user (required to change anything)")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch #{options['plan']} / No plan #{options['plan']}.")
        changing = options["generate"] or options["lock"] or options["unlock"]
        if changing:
            user = get_user_model().objects.filter(username=options["username"] or "").first()
            if user is None:
                raise CommandError("Cần --as TÊN_ĐĂNG_NHẬP của người thực hiện / --as USERNAME is required.")
            try:
                if options["generate"]:
                    from nhiemvu.organisations.selectors import access_scope

                    if not access.may_manage_periods(access_scope(user), plan.issuer_id):
                        raise CommandError(f"{user} không được lập lịch kỳ báo cáo / may not manage periods.")
                    periods_generate(plan=plan, due_working_days=options["due_working_days"])
                for key, action in ((options["lock"], period_lock), (options["unlock"], period_unlock)):
                    if key:
                        period = plan.periods.filter(key=key).first()
                        if period is None:
                            raise CommandError(f"Không có kỳ {key} / No period {key}.")
                        action(period=period, user=user)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        for period in plan.periods.order_by("ends_on", "starts_on"):
            lock = " [khóa]" if period.is_locked else ""
            self.stdout.write(
                f"{period.key:<9} {period.label:<24} {period.starts_on:%d/%m/%Y}–{period.ends_on:%d/%m/%Y}"
                f"  hạn {period.due_on:%d/%m/%Y}{lock}"
            )
