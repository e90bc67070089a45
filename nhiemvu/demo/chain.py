"""The demo's chain province → agency → unit: the province's decision on every agency's key tasks,
the sample department's plans linked to it, and a directive that added a task mid-year.

The decision is written as the province would issue it (a short body and an annex table grouped by
agency: STT | nhiệm vụ | cơ quan chủ trì | phối hợp | thời gian hoàn thành | sản phẩm) and goes
through the same reader and import as any uploaded document. The department's plans are then
linked to it through the proposals a person would see on the review screen, taking the best one.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User as Account
from django.db import transaction

from nhiemvu.cascade.selectors import PROPOSAL_CHECKED, candidates_for, cited_numbers, fold_number, propose
from nhiemvu.cascade.services import plan_links_set
from nhiemvu.ingest.parsing import extract_file
from nhiemvu.ingest.services import plan_import_commit
from nhiemvu.organisations.models import Organisation, Role
from nhiemvu.plans.models import DocumentKind, Plan, PlanKind, PlanStatus
from nhiemvu.reporting.services.directives import directive_create
from nhiemvu.roadmaps.services import StepInput, step_create, step_mark_done

DECISION_NUMBER = "58/QĐ-UBND"
AGRICULTURE = "Sở Nông nghiệp và PTNT"

# (agency, task, partners, deadline month, product) — twenty agencies, the sample department's first.
# {y} is the year. The department's three follow its plan's tasks; the others are the usual share
# of a province's key tasks.
ASSIGNMENTS: list[tuple[str, str, str, int, str]] = [
    (AGRICULTURE, "Đẩy mạnh tái cơ cấu ngành nông nghiệp gắn với xây dựng nông thôn mới; hỗ trợ phát triển mới 05 chuỗi liên kết sản xuất, tiêu thụ nông, lâm nghiệp", "UBND các huyện, thành phố", 12, "05 chuỗi liên kết"),
    (AGRICULTURE, "Trồng rừng tập trung 9.000 ha, nâng tỷ lệ che phủ rừng đạt 64,2% trở lên", "UBND các huyện, thành phố", 12, "9.000 ha rừng trồng"),
    (AGRICULTURE, "Triển khai Dự án Hợp phần 3 Cơ sở hạ tầng chuỗi giá trị nông nghiệp thuộc dự án BIIG1, hỗ trợ doanh nghiệp, hợp tác xã trong các chuỗi giá trị quế, hồi, thạch đen và rau", "Sở Kế hoạch và Đầu tư", 12, "Báo cáo kết quả thực hiện dự án"),
    (AGRICULTURE, "Cải tạo rừng sản xuất là rừng tự nhiên không có khả năng tự phục hồi, kế hoạch năm {y} là 2.000 ha", "Sở Tài nguyên và Môi trường", 12, "2.000 ha rừng được cải tạo"),
    ("Sở Kế hoạch và Đầu tư", "Tham mưu phân bổ, giao kế hoạch đầu tư công năm {y}; đẩy nhanh giải ngân vốn đầu tư công", "Sở Tài chính", 6, "Quyết định giao kế hoạch vốn"),
    ("Sở Tài chính", "Tham mưu dự toán ngân sách địa phương và phân bổ ngân sách năm {y}", "Sở Kế hoạch và Đầu tư", 12, "Nghị quyết dự toán ngân sách"),
    ("Sở Công Thương", "Xây dựng đề án phát triển thương mại biên giới giai đoạn {y}-2030", "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", 9, "Đề án được phê duyệt"),
    ("Sở Xây dựng", "Hoàn thành điều chỉnh quy hoạch chung đô thị thành phố Lạng Sơn", "UBND thành phố Lạng Sơn", 10, "Quyết định phê duyệt quy hoạch"),
    ("Sở Giao thông vận tải", "Hoàn thành giải phóng mặt bằng dự án cao tốc Đồng Đăng - Trà Lĩnh đoạn qua tỉnh", "UBND các huyện liên quan", 9, "Mặt bằng bàn giao"),
    ("Sở Tài nguyên và Môi trường", "Hoàn thành cấp giấy chứng nhận quyền sử dụng đất lần đầu đạt 95% diện tích", "UBND các huyện, thành phố", 12, "Giấy chứng nhận được cấp"),
    ("Sở Giáo dục và Đào tạo", "Xây dựng thêm 20 trường đạt chuẩn quốc gia", "UBND các huyện, thành phố", 12, "20 trường đạt chuẩn"),
    ("Sở Y tế", "Nâng tỷ lệ dân số tham gia bảo hiểm y tế đạt 98% trở lên", "Bảo hiểm xã hội tỉnh", 12, "Tỷ lệ bao phủ bảo hiểm y tế"),
    ("Sở Lao động - Thương binh và Xã hội", "Giảm tỷ lệ hộ nghèo đa chiều 3% so với năm trước", "UBND các huyện, thành phố", 12, "Kết quả rà soát hộ nghèo"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Tổ chức Năm du lịch quốc gia tại tỉnh, đón 3 triệu lượt khách", "Các sở, ngành liên quan", 11, "3 triệu lượt khách"),
    ("Sở Thông tin và Truyền thông", "Triển khai chuyển đổi số, 100% hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng", "Văn phòng UBND tỉnh", 12, "Báo cáo chuyển đổi số"),
    ("Sở Khoa học và Công nghệ", "Hỗ trợ 10 doanh nghiệp đổi mới công nghệ", "Sở Công Thương", 12, "10 doanh nghiệp được hỗ trợ"),
    ("Sở Nội vụ", "Hoàn thành sắp xếp đơn vị hành chính cấp xã giai đoạn {y}-2025", "UBND các huyện, thành phố", 8, "Nghị quyết sắp xếp"),
    ("Sở Tư pháp", "Nâng cao Chỉ số tiếp cận pháp luật; hoàn thành rà soát văn bản quy phạm pháp luật", "Các sở, ngành", 12, "Báo cáo rà soát"),
    ("Thanh tra tỉnh", "Thực hiện kế hoạch thanh tra năm {y}, giải quyết 90% đơn thư khiếu nại, tố cáo", "Các sở, ngành", 12, "Kết luận thanh tra"),
    ("Văn phòng UBND tỉnh", "Vận hành Trung tâm điều hành thông minh của tỉnh", "Sở Thông tin và Truyền thông", 6, "Trung tâm đi vào hoạt động"),
    ("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", "Nâng cao năng lực thông quan hàng hóa tại các cửa khẩu", "Sở Công Thương", 12, "Thời gian thông quan giảm"),
    ("Sở Ngoại vụ", "Tổ chức hội đàm, ký kết hợp tác với các địa phương giáp biên của nước bạn", "Sở Công Thương", 10, "Biên bản ghi nhớ hợp tác"),
    ("Ban Dân tộc tỉnh", "Triển khai Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số năm {y}", "UBND các huyện, thành phố", 12, "Báo cáo kết quả thực hiện"),
]  # fmt: skip


def decision_text(year: int) -> str:
    """The decision as a Markdown document: letterhead, body, the annex table grouped by agency."""
    rows = []
    current = ""
    group = 0
    for number, (agency, task, partners, month, product) in enumerate(ASSIGNMENTS, 1):
        if agency != current:  # a group row per agency; the tasks are numbered straight through
            current, group = agency, group + 1
            rows.append(f"| **{_roman(group)}** | **{agency.upper()}** | | | | |")
        rows.append(
            f"| {number} | {task.format(y=year)} | {agency} | {partners} | Tháng {month:02d}/{year} | {product} |"
        )
    table = "\n".join(rows)
    return f"""| ỦY BAN NHÂN DÂN<br>**TỈNH LẠNG SƠN** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc** |
|---|---|
| Số: {DECISION_NUMBER} | *Lạng Sơn, ngày 17 tháng 01 năm {year}* |

# QUYẾT ĐỊNH

## Phê duyệt nhiệm vụ trọng tâm năm {year} của các cơ quan, đơn vị trên địa bàn tỉnh Lạng Sơn

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Phê duyệt nhiệm vụ trọng tâm năm {year} của các cơ quan, đơn vị trên địa bàn tỉnh tại Phụ lục kèm theo Quyết định này.

Điều 2. Thủ trưởng các cơ quan, đơn vị xây dựng kế hoạch thực hiện, báo cáo kết quả hằng quý về UBND tỉnh (qua Văn phòng UBND tỉnh) trước ngày 15 của tháng cuối quý.

Điều 3. Quyết định này có hiệu lực kể từ ngày ký.

| **Nơi nhận:**<br>- Như Điều 3;<br>- Chủ tịch, các PCT UBND tỉnh;<br>- Lưu: VT. | **CHỦ TỊCH**<br><br><br>**Hồ Tiến Thiệu** |
|---|---|

# PHỤ LỤC

## NHIỆM VỤ TRỌNG TÂM NĂM {year} CỦA CÁC CƠ QUAN, ĐƠN VỊ

*(Kèm theo Quyết định số {DECISION_NUMBER} ngày 17/01/{year} của Chủ tịch UBND tỉnh)*

| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm |
|---|---|---|---|---|---|
{table}
"""


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def decision_load(*, province: Organisation, year: int) -> Plan:
    """Import the province's decision for the year (once) and put it under tracking."""
    existing = Plan.objects.filter(
        issuer=province, year=year, source_document__number=DECISION_NUMBER
    ).first()
    if existing is not None:
        return existing
    text = decision_text(year)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"qd-58-ubnd-{year}.md"
        path.write_text(text, encoding="utf-8")
        plan_json = extract_file(path)
        plan = plan_import_commit(
            plan_json=plan_json,
            issuer=province,
            user=None,
            source_name=path.name,
            source_bytes=text.encode("utf-8"),
        )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    return plan


def plan_link_best(*, plan: Plan, user: Account) -> int:
    """Link each task of an agency plan to its best proposal, as a reviewer who accepts them would."""
    candidates = candidates_for(plan.issuer_id, plan.year)
    cited = cited_numbers(plan) | {fold_number(DECISION_NUMBER)}
    chosen: dict[str, set[int]] = {}
    for task in plan.tasks.filter(lead_unit__isnull=False):
        best = propose(task.title, candidates, cited)[:1]
        if best and best[0].score >= PROPOSAL_CHECKED:
            chosen[task.code] = {best[0].candidate.pk}
    return plan_links_set(user=user, plan=plan, chosen=chosen)


DIRECTIVE_NUMBER = "125/TB-UBND"


def directive_load(*, province: Organisation, plan: Plan, user: Account, today: dt.date) -> Plan:
    """The conclusion notice that added a task to the department's year (once): after a meeting in
    June the province asks the forest unit to clear up the year's illegal logging cases by autumn."""
    issued_on = min(dt.date(plan.year, 6, 2), today)
    existing = Plan.objects.filter(
        kind=PlanKind.DIRECTIVE, source_document__number=DIRECTIVE_NUMBER, year=plan.year
    ).first()
    if existing is not None:
        return existing
    forest = plan.tasks.filter(lead_unit__name__contains="Kiểm lâm").first()
    lead = forest.lead_unit if forest is not None else None
    return directive_create(
        agency=plan.issuer,
        kind=DocumentKind.NOTICE,
        number=DIRECTIVE_NUMBER,
        issued_on=issued_on,
        title=(
            "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về công tác quản lý, bảo vệ rừng "
            f"6 tháng đầu năm {plan.year}"
        ),
        document_issuer=province,
        tasks=[
            {
                "title": "Kiểm tra, xử lý dứt điểm các vụ phá rừng trái phép được phát hiện trong năm",
                "lead_unit": lead,
                "deadline": issued_on + dt.timedelta(days=120),
                "targets": [{"name": "vụ việc được xử lý dứt điểm", "value": Decimal(100), "unit": "%"}],
            }
        ],
        created_by=user,
    )


def roadmap_load(*, plan: Plan, today: dt.date) -> int:
    """The forest unit's roadmap for its first task, as its staff would write it (once)."""
    task = plan.tasks.filter(lead_unit__name__contains="Kiểm lâm").order_by("order").first()
    if task is None or task.roadmap_steps.exists():
        return 0
    staff = Account.objects.filter(
        memberships__organisation=task.lead_unit, memberships__role=Role.UNIT_STAFF
    ).first()
    if staff is None:
        return 0
    year = plan.year
    steps = [
        ("Rà soát quỹ đất, giao chỉ tiêu trồng rừng cho các huyện", dt.date(year, 2, 28)),
        ("Hoàn thành trồng rừng vụ xuân", dt.date(year, 6, 30)),
        ("Nghiệm thu diện tích trồng rừng cả năm", dt.date(year, 11, 30)),
    ]
    for title, due in steps:
        step = step_create(task=task, user=staff, data=StepInput(title=title, due=due))
        if due <= today - dt.timedelta(days=10):
            step_mark_done(step=step, user=staff, done_on=due - dt.timedelta(days=3))
    return len(steps)


@transaction.atomic
def chain_load(*, province: Organisation, plans: list[Plan], user: Account, today: dt.date) -> list[Plan]:
    """The decision of each plan's year, each plan linked to it; for the latest plan, a directive
    that added a task mid-year and the forest unit's roadmap."""
    decisions = []
    for plan in plans:
        decisions.append(decision_load(province=province, year=plan.year))
        plan_link_best(plan=plan, user=user)
    latest = max(plans, key=lambda p: p.year)
    directive_load(province=province, plan=latest, user=user, today=today)
    roadmap_load(plan=latest, today=today)
    return decisions
