"""`nhiemvu report PLAN --period 2023-Q2 --format docx -o FILE`: the consolidated period report.

The provincial version takes `--plans 1,2,3` or `--province ORG_ID` instead of PLAN. `--as`
names the user whose access decides what may be reported on (as on the web); without it the
operator, who already has the database, is trusted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from nhiemvu.core.errors import DomainError
from nhiemvu.documents.access import period_by_key, period_queryset, provincial_periods
from nhiemvu.documents.data import ReportOptions, build_report
from nhiemvu.documents.services import FORMATS, report_render
from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.organisations.models import Organisation


class _Operator(AnonymousUser):
    """The shell operator: sees everything, like a superuser, without being an account."""

    is_superuser = True  # type: ignore[assignment]  # django-stubs: an AnonymousUser's is Literal[False]

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]  # django-stubs: Literal[False] for AnonymousUser
        return True


class Command(BaseCommand):
    help = "Báo cáo tổng hợp kỳ / The consolidated period report as .docx, .xlsx or .pdf."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("plan", type=int, nargs="?", help="plan id (omit with --plans or --province)")
        parser.add_argument(
            "--period", required=True, help="period key, e.g. 2023-Q2, 2023-06, 2023-H1, 2023"
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, help="default: from the -o suffix")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument("--plans", help="provincial report: comma-separated plan ids")
        parser.add_argument(
            "--province", type=int, help="provincial report: every plan under this organisation id"
        )
        parser.add_argument(
            "--number", default="", help="registration number, e.g. 125 (blank for the clerk)"
        )
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="date on the report, YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--place", default="", help="place on the date line (default: the plan's or the province's)"
        )
        parser.add_argument(
            "--signer-prefix", help='e.g. "KT. GIÁM ĐỐC" (the default), "" when the head signs'
        )
        parser.add_argument("--signer-title", help='e.g. "PHÓ GIÁM ĐỐC" (the default), "GIÁM ĐỐC"')
        parser.add_argument("--signer-name", default="", help="name under the signature (default blank)")
        parser.add_argument("--as", dest="username", help="build the report with this user's access")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        fmt = options["fmt"] or output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"--format phải là một trong {', '.join(FORMATS)} / --format must be one of them."
            )
        user: Any = _Operator()
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {options['username']} / No such user.")
        key = options["period"]
        try:
            if options["plans"] or options["province"]:
                plan_ids = [int(p) for p in options["plans"].split(",")] if options["plans"] else None
                if options["province"] and not Organisation.objects.filter(pk=options["province"]).exists():
                    raise CommandError(f"Không có cơ quan #{options['province']} / No organisation.")
                periods, province = provincial_periods(
                    user, key, plan_ids=plan_ids, province_id=options["province"]
                )
                if not periods:
                    raise CommandError(f"Không có kế hoạch nào có kỳ {key} / No plan has period {key}.")
            elif options["plan"] is not None:
                periods, province = [period_by_key(user, options["plan"], key)], None
            else:
                raise CommandError(
                    "Cần PLAN, --plans hoặc --province / PLAN, --plans or --province is required."
                )
        except Http404 as exc:
            known = period_queryset().filter(plan_id=options["plan"]).values_list("key", flat=True)
            hint = f" Các kỳ có: {', '.join(known)}." if options["plan"] and known else ""
            raise CommandError(
                f"Không có kỳ {key} của kế hoạch này, hoặc không có quyền xem / No such period or no access.{hint}"
            ) from exc
        report = build_report(
            periods,
            province=province,
            options=ReportOptions(
                number=options["number"],
                date=options["date"],
                place=options["place"],
                signer_prefix=options["signer_prefix"],
                signer_title=options["signer_title"],
                signer_name=options["signer_name"],
            ),
        )
        try:
            rendered = report_render(report=report, fmt=fmt)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        output.write_bytes(rendered.content)
        self.stdout.write(
            f"{output} ({fmt}, {format_vn(len(rendered.content))} byte): {report.period_label}, "
            f"{format_vn(len(report.plans))} kế hoạch, {format_vn(report.total)} nhiệm vụ."
        )
