"""Benchmark reading a scan: seconds per page and peak memory for a 10-page scanned plan.

    .venv/bin/python bench/ocr.py [--repeat N] [--pages 10] [--threads 1 2]

The scan is made as the tests make theirs (nhiemvu/ingest/parsing/tests/scanned.py): dev corpus
plans printed, rendered at 300 dpi, tilted 1–3°, speckled, JPEG-compressed, one page photographed
at an angle, put together into a PDF without a text layer. Each repeat reads it in a fresh process
as the background job does: pdfium renders each page, it is straightened, its table rules found,
Tesseract reads it; ``--threads`` pages at once (the default Scans.threads is the cores, at most
two). Reported per setting: the median seconds per page, the reader's peak resident memory
(VmHWM: Python, pdfium, NumPy, the pages in flight) and the share of CPU time Tesseract took; then
one Tesseract process's peak on one page (GNU time).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT / "../shared/corpus/dev"
PLANS = [
    "nghe-an-sgddt-2023.txt",
    "quang-ninh-syt-2024.docx",
    "dong-thap-tam-nong-2024.md",
    "binh-dinh-sct-2025.docx",
]

CHILD = r"""
import json, resource, sys, time
from nhiemvu.ingest.parsing import Scans, extract_bytes
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
scans = Scans(max_pages=100, threads=int(sys.argv[2]))
plan = extract_bytes(data, "scan.pdf", scans=scans)
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": seconds, "pages": len(scans.pages), "tasks": len(plan["tasks"]),
    "confidence": [p["confidence"] for p in scans.pages],
    "self_rss_mb": hwm / 1024, "child_rss_mb": children.ru_maxrss / 1024,
    "self_cpu": own.ru_utime + own.ru_stime, "child_cpu": children.ru_utime + children.ru_stime,
}))
"""


def ten_page_scan(pages: int) -> bytes:
    """A scan of ``pages`` pages from the dev plans (the first plan's first page photographed)."""
    import pypdfium2

    from nhiemvu.ingest.parsing.tests.scanned import scanned_pdf

    combined = pypdfium2.PdfDocument.new()
    for number, name in enumerate(PLANS):
        scan = pypdfium2.PdfDocument(scanned_pdf(DEV / name, photo_page=1 if number == 0 else None))
        take = min(len(scan), pages - len(combined))
        combined.import_pages(scan, list(range(take)))
        if len(combined) >= pages:
            break
    out = io.BytesIO()
    combined.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="pages recognised at once")
    args = parser.parse_args()
    print(f"making a {args.pages}-page scan from the dev corpus…", flush=True)
    scan = ten_page_scan(args.pages)
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(scan)
        path = handle.name
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"scan: {args.pages} pages, {len(scan) / 1e6:.1f} MB; cores: {os.cpu_count()}")
    try:
        for threads in args.threads:
            runs = []
            for repeat in range(args.repeat):
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, path, str(threads)],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                )
                run = json.loads(done.stdout)
                runs.append(run)
                print(
                    f"  {threads} at once, run {repeat + 1}: {run['seconds']:.1f} s for {run['pages']} pages "
                    f"({run['seconds'] / run['pages']:.2f} s/page), {run['tasks']} tasks, "
                    f"confidence {min(run['confidence']):.0f}–{max(run['confidence']):.0f}",
                    flush=True,
                )
            per_page = statistics.median(r["seconds"] / r["pages"] for r in runs)
            share = statistics.median(r["child_cpu"] / (r["child_cpu"] + r["self_cpu"]) for r in runs)
            print(
                f"{threads} page(s) at once: median {per_page:.2f} s per page ({per_page * args.pages:.1f} s for "
                f"the scan); reader peak {max(r['self_rss_mb'] for r in runs):.0f} MB; CPU in Tesseract {share:.0%}"
            )
        print(f"one Tesseract process on a 300 dpi page: peak {tesseract_peak_mb(scan):.0f} MB")
    finally:
        os.unlink(path)


def tesseract_peak_mb(scan: bytes) -> float:
    """The peak memory of Tesseract reading the scan's first page, from GNU time."""
    import re

    import pypdfium2

    from nhiemvu.ingest.parsing import ocr

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.pgm"
        ocr.pdf_page_image(pypdfium2.PdfDocument(scan), 0).save(page, "PPM")
        done = subprocess.run(
            ["/usr/bin/time", "-v", "tesseract", str(page), "stdout", "-l", "vie", "tsv"],
            capture_output=True,
            text=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            check=True,
        )
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return int(found.group(1)) / 1024 if found else float("nan")


if __name__ == "__main__":
    main()
