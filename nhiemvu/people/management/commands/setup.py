"""`nhiemvu setup`: the first run from the console — the tree (typed, from a sheet or from a plan)
and the first administrator, who gets a link to set a password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nhiemvu.core.errors import DomainError
from nhiemvu.organisations.models import OrganisationKind
from nhiemvu.people import directory, services
from nhiemvu.people.sheets import (
    ORGANISATION_COLUMNS,
    ORGANISATION_NOT_IF,
    ORGANISATION_REQUIRED,
    SheetError,
    read_sheet,
)


class Command(BaseCommand):
    help = (
        "Thiết lập lần đầu: tạo tỉnh, cơ quan, các đơn vị (gõ tên, từ bảng tính hoặc từ văn bản kế hoạch) "
        "và tài khoản quản trị đầu tiên."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sheet", help="bảng tính danh bạ đơn vị (.xlsx, .csv)")
        parser.add_argument(
            "--from-plan", help="văn bản kế hoạch: đề xuất cơ quan ban hành và các đơn vị được nêu"
        )
        parser.add_argument("--province", help='tên UBND tỉnh, ví dụ "UBND tỉnh Lạng Sơn"')
        parser.add_argument("--agency", help='tên cơ quan, ví dụ "Sở Nông nghiệp và Môi trường"')
        parser.add_argument("--agency-short", default="", help='tên viết tắt, ví dụ "Sở NN&MT"')
        parser.add_argument(
            "--unit", action="append", default=[], help="một đơn vị trực thuộc cơ quan (lặp lại)"
        )
        parser.add_argument("--admin", help="tên đăng nhập của quản trị viên đầu tiên")
        parser.add_argument("--admin-email", default="", help="thư điện tử của quản trị viên")
        parser.add_argument("--yes", action="store_true", help="tạo ngay, không hỏi lại")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = self._rows(options)
        if rows:
            rows = directory.check_units(rows)
            self._print(rows)
            if any(r.problems for r in rows):
                raise CommandError(
                    "Có dòng lỗi; chưa tạo gì. Sửa rồi chạy lại. / Some rows have errors; nothing was created.",
                    returncode=2,
                )
        if not rows and not options.get("admin"):
            raise CommandError(
                "Không có gì để làm: dùng --sheet, --from-plan, --province/--agency/--unit hoặc --admin. / "
                "Nothing to do: pass --sheet, --from-plan, --province/--agency/--unit or --admin.",
                returncode=2,
            )
        if not options["yes"]:
            try:
                answer = input("Tạo như trên? / Create as above? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in {"y", "yes", "c", "có"}:
                self.stdout.write("Đã hủy, không có gì được ghi. / Cancelled, nothing written.")
                return
        try:
            if rows:
                result = services.organisations_setup(rows=rows)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Đã tạo {len(result.created)} cơ quan, đơn vị; {len(result.existing)} đã có từ trước. / "
                        f"Created {len(result.created)}, {len(result.existing)} already stored."
                    )
                )
            if options.get("admin"):
                invited = services.administrator_create(
                    username=options["admin"], email=options["admin_email"]
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Đã tạo quản trị viên {invited.user.username}. Mở liên kết sau để đặt mật khẩu "
                        f"(dùng một lần, trong {settings.INVITATION_DAYS} ngày): / Set the password at:\n{invited.url}"
                    )
                )
        except DomainError as exc:
            raise CommandError(f"Lỗi: {exc.message} / Error: {exc.message_en}", returncode=2) from exc

    def _rows(self, options: dict[str, Any]) -> list[directory.UnitRow]:
        if options.get("sheet"):
            path = Path(options["sheet"])
            try:
                table = read_sheet(
                    path.read_bytes(),
                    path.name,
                    ORGANISATION_COLUMNS,
                    ORGANISATION_REQUIRED,
                    not_if=ORGANISATION_NOT_IF,
                )
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp {path} / Cannot read {path}", returncode=2) from exc
            except SheetError as exc:
                raise CommandError(f"Lỗi: {exc.message} / Error: {exc.message_en}", returncode=2) from exc
            return directory.unit_rows(table.rows)
        if options.get("from_plan"):
            from nhiemvu.ingest.parsing import ExtractionError, Scans, extract_bytes

            path = Path(options["from_plan"])
            try:
                plan_json = extract_bytes(
                    path.read_bytes(), path.name, max_bytes=settings.MAX_UPLOAD_BYTES,
                    scans=Scans(max_pages=settings.OCR_MAX_PAGES),
                )  # fmt: skip
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp {path} / Cannot read {path}", returncode=2) from exc
            except ExtractionError as exc:
                raise CommandError(f"Lỗi: {exc.message_vi} / Error: {exc.message_en}", returncode=2) from exc
            return directory.units_from_plan(plan_json)
        rows: list[directory.UnitRow] = []
        if options.get("province"):
            rows.append(
                directory.UnitRow(
                    line=1, name=options["province"], kind=OrganisationKind.PROVINCE_COMMITTEE.value
                )
            )
        if options.get("agency"):
            rows.append(
                directory.UnitRow(
                    line=len(rows) + 1,
                    name=options["agency"],
                    short_name=options["agency_short"],
                    parent=options.get("province") or "",
                    kind=OrganisationKind.DEPARTMENT.value,
                )
            )
        elif options["unit"]:
            raise CommandError("--unit cần --agency. / --unit needs --agency.", returncode=2)
        for name in options["unit"]:
            rows.append(directory.UnitRow(line=len(rows) + 1, name=name, parent=options["agency"]))
        return rows

    def _print(self, rows: list[directory.UnitRow]) -> None:
        labels = dict(OrganisationKind.choices)
        for row in rows:
            state = "LỖI" if row.problems else ("đã có" if row.existing else "mới")
            parent = f" ← {row.parent}" if row.parent else ""
            kind = labels.get(row.kind, row.kind)
            self.stdout.write(f"{row.line:>4}  [{state}] {row.name} ({kind}){parent}")
            for problem in row.problems:
                self.stdout.write(f"        - {problem.vi} / {problem.en}")
