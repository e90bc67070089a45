"""`nhiemvu import FILE --issuer "NAME" [--yes] [--update]`: extract a plan file and commit it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nhiemvu.core.errors import DomainError
from nhiemvu.ingest.matching import organisations_named
from nhiemvu.ingest.selectors import plan_find_existing
from nhiemvu.ingest.services import content_hash, plan_import_commit
from nhiemvu.organisations.models import Organisation


class Command(BaseCommand):
    help = "Nhập một kế hoạch từ tệp vào hệ thống (hỏi xác nhận trừ khi có --yes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp kế hoạch (.docx, .pdf, .txt, .md)")
        parser.add_argument("--issuer", help='cơ quan ban hành, ví dụ "Sở Nông nghiệp và PTNT"')
        parser.add_argument("--yes", action="store_true", help="nhập ngay, không hỏi lại")
        parser.add_argument("--update", action="store_true", help="cập nhật kế hoạch đã nhập từ cùng văn bản")

    def handle(self, *args: Any, **options: Any) -> None:
        from nhiemvu.ingest.parsing import ExtractionError, Scans, extract_bytes, render_outline

        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"Lỗi: không đọc được tệp {path} / Error: cannot read {path}", returncode=2
            ) from exc
        try:
            # The console waits for a scan's recognition or a .doc's conversion itself.
            scans = Scans(max_pages=settings.OCR_MAX_PAGES)
            plan_json = extract_bytes(data, path.name, max_bytes=settings.MAX_UPLOAD_BYTES, scans=scans)
        except ExtractionError as exc:
            raise CommandError(f"Lỗi: {exc.message_vi} / Error: {exc.message_en}", returncode=2) from exc
        plan_json.pop("source_text", None)
        plan_json.pop("ocr", None)

        issuer = self._issuer(options.get("issuer"), (plan_json.get("document") or {}).get("issuer") or "")
        existing = plan_find_existing(plan_json, content_hash(data), issuer)
        if existing is not None and not options["update"]:
            raise CommandError(
                f"Văn bản này đã được nhập thành kế hoạch #{existing.pk} «{existing.title}». "
                "Dùng --update để cập nhật kế hoạch đó. / "
                f"This document was already imported as plan #{existing.pk}; pass --update to update it."
            )

        if not options["yes"]:
            self.stdout.write(render_outline(plan_json))
            self.stdout.write("")
            action = f"Cập nhật kế hoạch #{existing.pk}" if existing else "Nhập kế hoạch này"
            self.stdout.write(f"Cơ quan ban hành: {issuer}")
            try:
                answer = input(f"{action}? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in {"y", "yes", "c", "có"}:
                self.stdout.write("Đã hủy, không có gì được ghi. / Cancelled, nothing written.")
                return

        try:
            plan = plan_import_commit(
                plan_json=plan_json,
                issuer=issuer,
                user=None,
                source_name=path.name,
                source_bytes=data,
                update_plan=existing,
            )
        except DomainError as exc:
            raise CommandError(f"Lỗi: {exc.message} / Error: {exc.message_en}") from exc
        verb = "Đã cập nhật" if existing else "Đã nhập"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} kế hoạch #{plan.pk}: {plan.title} — {plan.tasks.count()} nhiệm vụ, "
                f"{plan.findings.count()} phát hiện cần kiểm tra."
            )
        )

    def _issuer(self, given: str | None, from_document: str) -> Organisation:
        name = given or from_document
        found = organisations_named(name)
        if len(found) == 1:
            return found[0]
        how = 'Hãy chỉ rõ bằng --issuer "Tên cơ quan", ví dụ --issuer "Sở Nông nghiệp và PTNT".'
        how_en = 'Pass --issuer "NAME" with the name of an organisation stored in nhiemvu.'
        if found:
            names = "; ".join(f"{o} (#{o.pk}, thuộc {o.parent or '—'})" for o in found)
            raise CommandError(
                f"Có nhiều cơ quan tên «{name}»: {names}. Hãy ghi tên đầy đủ hơn. / Several organisations match {name!r}."
            )
        if given:
            raise CommandError(
                f"Không tìm thấy cơ quan «{given}». {how} / Unknown organisation {given!r}. {how_en}"
            )
        raise CommandError(
            f"Không xác định được cơ quan ban hành «{from_document or '?'}» trong hệ thống. {how} / "
            f"The issuer {from_document!r} named by the document is not stored. {how_en}"
        )
