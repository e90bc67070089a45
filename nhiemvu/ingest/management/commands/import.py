"""`nhiemvu import FILE --issuer "NAME" [--yes] [--update]`: extract a plan file and commit it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from nhiemvu.core.errors import DomainError
from nhiemvu.ingest.matching import guess_kind, organisations_named
from nhiemvu.ingest.selectors import plan_find_existing
from nhiemvu.ingest.services import content_hash, plan_import_commit
from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.organisations.services import organisation_create


class Command(BaseCommand):
    help = "Nhập một kế hoạch từ tệp vào hệ thống (hỏi xác nhận trừ khi có --yes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp kế hoạch (.docx, .pdf, .txt, .md)")
        parser.add_argument("--issuer", help='cơ quan ban hành, ví dụ "Sở Nông nghiệp và PTNT"')
        parser.add_argument("--yes", action="store_true", help="nhập ngay, không hỏi lại")
        parser.add_argument("--update", action="store_true", help="cập nhật kế hoạch đã nhập từ cùng văn bản")
        parser.add_argument(
            "--create-issuer",
            action="store_true",
            help="tạo cơ quan ban hành (dưới UBND tỉnh nơi ban hành) nếu hệ thống chưa có",
        )

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

        document = plan_json.get("document") or {}
        issuer = self._issuer(
            options.get("issuer"),
            document.get("issuer") or "",
            create_under=str(document.get("place") or "") if options["create_issuer"] else None,
        )
        # A new issuer is created only with the plan, in its transaction (a "no" leaves nothing behind).
        existing = plan_find_existing(plan_json, content_hash(data), issuer) if issuer.pk else None
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
            self.stdout.write(
                f"Cơ quan ban hành: {issuer}" + ("" if issuer.pk else " (sẽ được tạo mới / to be created)")
            )
            try:
                answer = input(f"{action}? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in {"y", "yes", "c", "có"}:
                self.stdout.write("Đã hủy, không có gì được ghi. / Cancelled, nothing written.")
                return

        try:
            with transaction.atomic():
                if not issuer.pk:
                    issuer = self._create_issuer(issuer.name, str(document.get("place") or ""))
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

    def _issuer(
        self, given: str | None, from_document: str, *, create_under: str | None = None
    ) -> Organisation:
        name = given or from_document
        found = organisations_named(name)
        if len(found) == 1:
            return found[0]
        if not found and create_under is not None and name.strip():
            return Organisation(name=" ".join(name.split()))  # created with the plan, see handle()
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
            f"Không xác định được cơ quan ban hành «{from_document or '?'}» trong hệ thống. {how} "
            "Hoặc thêm --create-issuer để tạo cơ quan này. / "
            f"The issuer {from_document!r} named by the document is not stored. {how_en} Or pass --create-issuer."
        )

    def _create_issuer(self, name: str, place: str) -> Organisation:
        """The issuer, created under the People's Committee of the place the document was issued in
        (found, or created too); at the top of the tree when the document names no place."""
        province: Organisation | None = None
        if place.strip():
            province_name = f"UBND tỉnh {' '.join(place.split())}"
            provinces = organisations_named(province_name)
            if len(provinces) > 1:
                raise CommandError(f"Có nhiều cơ quan tên «{province_name}». / Several {province_name!r}.")
            province = provinces[0] if provinces else None
            if province is None:
                province = organisation_create(name=province_name, kind=OrganisationKind.PROVINCE_COMMITTEE)
                self.stdout.write(f"Đã tạo {province.name}. / Created {province.name}.")
        kind = guess_kind(name)
        if kind == OrganisationKind.OTHER:
            kind = OrganisationKind.DEPARTMENT
        try:
            issuer = organisation_create(name=name, kind=kind, parent=province)
        except DomainError as exc:
            raise CommandError(f"Lỗi: {exc.message} / Error: {exc.message_en}") from exc
        self.stdout.write(f"Đã tạo cơ quan ban hành {issuer.name}. / Created the issuer {issuer.name}.")
        return issuer
