"""Benchmark the plan extractor: ms per document and per 1,000 characters, by type, and peak memory.

    .venv/bin/python bench/extract.py [paths...] [--repeat N]

Defaults to the development corpus (../shared/corpus/seed and ../shared/corpus/dev). Each document
is extracted once to warm up (imports, regex compilation), then ``--repeat`` times; the median of
the repeats is reported. Targets: <= 20 ms per 1,000 characters for .txt/.md/.docx, <= 60 ms for
.pdf, <= 150 MB peak.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "paths", nargs="*", default=[str(ROOT / "../shared/corpus/seed"), str(ROOT / "../shared/corpus/dev")]
    )
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
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
