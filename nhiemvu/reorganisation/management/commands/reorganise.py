"""`nhiemvu reorganise merge|rename|dissolve`: the 2025 reform from a script, over the same services.

    nhiemvu reorganise merge "Sở NN&PTNT" "Sở TN&MT" --new-name "Sở Nông nghiệp và Môi trường" \\
        --parent "UBND tỉnh" --date 1/3/2025 --decision "Quyết định 123/QĐ-UBND"
    nhiemvu reorganise rename "Chi cục Kiểm lâm" --name "Chi cục Kiểm lâm vùng I" --date 1/7/2025 --decision "…"
    nhiemvu reorganise dissolve "UBND huyện A" --into "UBND tỉnh" --date 1/7/2025 --decision "…"

A body is named by its full name, short name, another name it goes by, or its number. `--dry-run`
prints what would move. `--user` records the change against that account (and checks its rights);
without it the change is the script's own (the audit trail shows no person).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import set_actor
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from nhiemvu.core.errors import DomainError
from nhiemvu.core.forms import DATE_INPUT_FORMATS
from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.reorganisation import selectors, services


def _day(text: str) -> dt.date:
    for pattern in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(f"«{text}» không phải là ngày (ngày/tháng/năm, ví dụ 1/3/2025).")


def _body(text: str) -> Organisation:
    """The body in service that goes by this name (or has this number)."""
    bodies = Organisation.objects.filter(dissolved_on__isnull=True)
    if text.isdigit():
        found = list(bodies.filter(pk=int(text)))
    else:
        found = list(bodies.filter(Q(name=text) | Q(short_name=text)))
        if not found:
            found = [o for o in bodies.exclude(aliases=[]) if text in o.aliases]
    if len(found) != 1:
        raise CommandError(
            f"Không tìm thấy cơ quan «{text}» đang hoạt động."
            if not found
            else f"Có {len(found)} cơ quan cùng tên «{text}»; hãy ghi số (id) của cơ quan."
        )
    return found[0]


class Command(BaseCommand):
    help = "Sáp nhập, đổi tên, giải thể cơ quan / Merge, rename or dissolve organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("merge", "rename", "dissolve"):
            p = sub.add_parser(name)
            p.add_argument("--date", required=True, help="ngày có hiệu lực, dd/mm/yyyy")
            p.add_argument("--decision", required=True, help="văn bản quyết định")
            p.add_argument("--dry-run", action="store_true", help="chỉ in những gì sẽ chuyển")
            p.add_argument("--user", help="tài khoản thực hiện (ghi vào nhật ký, kiểm tra quyền)")
            if name == "merge":
                p.add_argument("bodies", nargs="+", help="các cơ quan sáp nhập")
                p.add_argument("--into", help="cơ quan kế thừa đang có")
                p.add_argument("--new-name", help="tên cơ quan mới thành lập")
                p.add_argument("--short-name", default="")
                p.add_argument("--kind", default=OrganisationKind.DEPARTMENT, choices=OrganisationKind.values)
                p.add_argument("--parent", help="cơ quan cấp trên của cơ quan mới")
            elif name == "rename":
                p.add_argument("body")
                p.add_argument("--name", required=True)
                p.add_argument("--short-name", default="")
                p.add_argument("--alias", action="append", default=[])
            else:
                p.add_argument("body")
                p.add_argument("--into", required=True, help="cơ quan tiếp nhận công việc")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["date"])
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có tài khoản «{options['user']}».")
        action = options["action"]
        if action == "merge":
            olds = [_body(b) for b in options["bodies"]]
            successor = _body(options["into"]) if options["into"] else None
            parent = _body(options["parent"]) if options["parent"] else None
            if successor is None and not (options["new_name"] and parent):
                raise CommandError("Hãy ghi --into, hoặc --new-name cùng --parent.")
            name = successor.name if successor else options["new_name"]
        elif action == "rename":
            olds, successor, parent = [_body(options["body"])], None, None
            parent = olds[0].parent
            name = options["name"]
        else:
            olds, successor, parent = [_body(options["body"])], _body(options["into"]), None
            name = successor.name
        if options["dry_run"]:
            authority = selectors.authority_of(user) if user else selectors.Authority(everything=True)
            preview = selectors.change_preview(
                authority, predecessors=olds, successor=successor, new_parent=parent, day=day
            )
            self.stdout.write(f"{', '.join(o.name for o in olds)} → {name}: {preview.transfer.summary()}.")
            for problem in [*preview.problems, *(f"Không có quyền: {n}" for n in preview.denied)]:
                self.stdout.write(f"  ! {problem}")
            return
        try:
            with set_actor(user):
                result = self._run(action, options, olds, successor, parent, day, user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{', '.join(o.name for o in olds)} → {result.successor.name} (id {result.successor.pk}) "
            f"từ {day:%d/%m/%Y}: {result.transfer.summary()}."
        )

    def _run(
        self,
        action: str,
        options: dict[str, Any],
        olds: list[Organisation],
        successor: Organisation | None,
        parent: Organisation | None,
        day: dt.date,
        user: User | None,
    ) -> services.Reorganisation:
        decision = options["decision"]
        if action == "merge":
            new_body = None
            if successor is None:
                new_body = services.NewBody(
                    name=options["new_name"],
                    kind=options["kind"],
                    parent=parent,
                    short_name=options["short_name"],
                )
            return services.organisation_merge(
                predecessors=olds,
                successor=successor,
                new_body=new_body,
                effective_on=day,
                decision=decision,
                user=user,
            )
        if action == "rename":
            return services.organisation_rename(
                organisation=olds[0],
                name=options["name"],
                short_name=options["short_name"],
                aliases=options["alias"],
                effective_on=day,
                decision=decision,
                user=user,
            )
        assert successor is not None
        return services.organisation_dissolve(
            organisation=olds[0], taken_over_by=successor, effective_on=day, decision=decision, user=user
        )
