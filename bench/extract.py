"""Benchmark the plan extractor: ms per document and per 1,000 characters, by type, and peak memory.

    .venv/bin/python bench/extract.py [paths...] [--repeat N]

    .venv/bin/python bench/extract.py --large [--repeat N]

Defaults to the development corpus (../shared/corpus/seed and ../shared/corpus/dev). Each document
is extracted once to warm up (imports, regex compilation), then ``--repeat`` times; the median of
the repeats is reported. Targets: <= 20 ms per 1,000 characters for .txt/.md/.docx, <= 60 ms for
.pdf, <= 150 MB peak.

``--large`` times the shape of a government action programme instead (issue 15): a document of
about 100,000 characters whose tasks are a 150-row assignment table, as markdown and as .docx.
Target: <= 1 s per document, every row read as a task.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nhiemvu.ingest.parsing import ExtractionError, extract_bytes  # noqa: E402

SUFFIXES = {".txt", ".md", ".docx", ".pdf"}


def documents(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        files = sorted(p.iterdir()) if p.is_dir() else [p]
        out += [f for f in files if f.suffix.lower() in SUFFIXES and f.name != "README.md"]
    return out


UNITS = ["Sở Tài chính", "Sở Nội vụ", "Sở Xây dựng", "Sở Y tế", "Công an tỉnh", "UBND các huyện, thành phố"]


def large_programme(rows: int = 150, chars: int = 100_000) -> tuple[str, list[list[str]], str]:
    """(the text before the table, the table's rows, the text after it) of a synthetic action
    programme: a letterhead, long narrative sections, then the assignment table."""
    head = (
        "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 150/KH-UBND\nThử Nghiệm, ngày 10 tháng 3 năm 2025\n"
        "KẾ HOẠCH\nThực hiện Chương trình hành động giai đoạn 2025 - 2026\n"
        "Căn cứ Quyết định số 58/QĐ-UBND ngày 15/01/2025 của UBND tỉnh;\nI. MỤC ĐÍCH, YÊU CẦU\n"
    )
    table = [
        [
            "STT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Sản phẩm",
            "Thời gian hoàn thành",
        ]
    ]
    for n in range(1, rows + 1):
        table.append(
            [
                str(n),
                f"Triển khai nhiệm vụ số {n} về phát triển kinh tế - xã hội, phấn đấu đạt {n * 10} ha "
                f"diện tích chuyển đổi và tỷ lệ hộ tham gia đạt {50 + n % 40}% trở lên; rà soát, hoàn thiện "
                "cơ chế chính sách, tổ chức kiểm tra, giám sát việc thực hiện trên địa bàn toàn tỉnh",
                UNITS[n % len(UNITS)],
                f"{UNITS[(n + 1) % len(UNITS)]}, {UNITS[(n + 2) % len(UNITS)]}",
                "Báo cáo kết quả thực hiện",
                ["6/2025", "2025", "Quý III/2025", "2025 - 2026", "Thường xuyên"][n % 5],
            ]
        )
    table_chars = sum(len(c) + 1 for row in table for c in row)
    paragraph = (
        "Tổ chức quán triệt, triển khai thực hiện nghiêm túc, hiệu quả các nhiệm vụ, giải pháp đã đề ra; "
        "nâng cao vai trò, trách nhiệm của người đứng đầu các cơ quan, đơn vị trong chỉ đạo, điều hành.\n"
    )
    narrative = paragraph * max(1, (chars - table_chars - len(head)) // len(paragraph))
    tail = "II. NHIỆM VỤ VÀ GIẢI PHÁP\nPHỤ LỤC\nDANH MỤC NHIỆM VỤ\n"
    return head + narrative + tail, table, "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n"


def large_documents() -> list[tuple[str, bytes, int]]:
    """(file name, bytes, characters of text: paragraphs and every cell, without markup)."""
    import io

    import docx

    before, table, after = large_programme()
    text_chars = len(before) + sum(len(c) + 1 for row in table for c in row) + len(after)
    markdown = before + "\n".join("| " + " | ".join(row) + " |" for row in table[:1]) + "\n"
    markdown += "|" + "---|" * len(table[0]) + "\n"
    markdown += "\n".join("| " + " | ".join(row) + " |" for row in table[1:]) + "\n" + after
    document = docx.Document()
    for line in before.splitlines():
        document.add_paragraph(line)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    for line in after.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return [
        ("programme-150-rows.md", markdown.encode(), text_chars),
        ("programme-150-rows.docx", buffer.getvalue(), text_chars),
    ]


def bench_large(repeat: int) -> int:
    print(f"{'document':28} {'chars':>7} {'rows':>5} {'tasks':>5} {'ms/doc':>8} {'peak MB':>8}")
    worst = 0.0
    for name, data, chars in large_documents():
        plan = extract_bytes(data, name)  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            plan = extract_bytes(data, name)
            times.append((time.perf_counter() - start) * 1000)
        tracemalloc.start()
        extract_bytes(data, name)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        ms = statistics.median(times)
        worst = max(worst, ms)
        print(f"{name:28} {chars:7d} {150:5d} {len(plan['tasks']):5d} {ms:8.1f} {peak:8.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"median of {repeat} runs each; slowest {worst:.0f} ms (target <= 1000 ms); ru_maxrss {rss:.1f} MB process"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "paths", nargs="*", default=[str(ROOT / "../shared/corpus/seed"), str(ROOT / "../shared/corpus/dev")]
    )
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--large", action="store_true", help="a 100,000-character programme with a 150-row table")
    args = ap.parse_args()
    if args.large:
        return bench_large(args.repeat)
    docs = documents(args.paths)
    if not docs:
        print("no documents found", file=sys.stderr)
        return 2
    rows = []
    peak_traced = 0
    print(f"{'document':44} {'chars':>7} {'ms/doc':>8} {'ms/1k':>7}")
    for doc in docs:
        data = doc.read_bytes()
        try:
            plan = extract_bytes(data, doc.name)  # warm-up
        except ExtractionError as e:
            print(f"{doc.name[:44]:44} error: {e}")
            continue
        chars = max(1, len(plan.get("source_text", "")))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            extract_bytes(data, doc.name)
            times.append((time.perf_counter() - start) * 1000)
        tracemalloc.start()
        extract_bytes(data, doc.name)
        peak_traced = max(peak_traced, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        ms = statistics.median(times)
        rows.append((doc.suffix.lower(), ms, ms * 1000 / chars))
        print(f"{doc.name[:44]:44} {chars:7d} {ms:8.1f} {ms * 1000 / chars:7.2f}")
    print()
    groups = {"txt/md/docx": [r for r in rows if r[0] != ".pdf"], "pdf": [r for r in rows if r[0] == ".pdf"]}
    for name, group in groups.items():
        if group:
            print(
                f"median {name:12} {statistics.median(r[1] for r in group):8.1f} ms/doc "
                f"{statistics.median(r[2] for r in group):7.2f} ms/1k chars  ({len(group)} docs, {args.repeat} repeats)"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"peak memory: tracemalloc {peak_traced / 1024 / 1024:.1f} MB per extraction, ru_maxrss {rss:.1f} MB process"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
