"""Extract a plan in a child process with a budget of seconds and memory.

A document can be small and still expensive: a .docx of half a megabyte whose XML inflates to a
hundred, a PDF whose pages draw millions of objects. The web and the API read an uploaded plan
here, so such a file costs one short-lived child process, which the kernel stops at its CPU and
address-space limits and the parent at its wall-clock limit, and never a server worker for minutes.
The console (`nhiemvu extract`, `nhiemvu import`) reads in its own process, as before. A PDF
with active content (script, embedded files) is refused here too, since the file is kept and
offered for download.

    python -m nhiemvu.ingest.parsing.bounded NAME MAX_BYTES SECONDS MEMORY_MB [MAX_PAGES] < file > plan.json

With MAX_PAGES (a background job), pages without text are recognised and .doc/.odt/.xls files
converted, and the child reports "progress DONE TOTAL" lines on stderr as it goes; without it
such a file is refused with the code "background" so that the web hands it to a job.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable

from .errors import ExtractionError
from .ocr import Scans

__all__ = ["extract_bounded"]

# Exit statuses of the child beside 0 (the plan JSON on stdout).
REFUSED = 3  # an ExtractionError, as JSON on stdout
OVER_BUDGET = 4  # out of memory inside Python
# The wall-clock budget is the CPU budget plus this, for a child waiting on the disk or a busy core.
WALL_SLACK_SECONDS = 10


def over_budget(seconds: int, memory_mb: int) -> ExtractionError:
    return ExtractionError(
        "too_complex",
        f"Tệp quá phức tạp để đọc (cần hơn {seconds} giây hoặc {memory_mb} MB bộ nhớ). "
        "Hãy kiểm tra lại tệp, hoặc lưu lại thành .docx/.pdf gọn hơn rồi tải lên.",
        f"The file is too complex to read (over {seconds} s or {memory_mb} MB of memory). "
        "Check the file, or save a leaner .docx/.pdf and upload that.",
    )


def extract_bounded(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    seconds: int,
    memory_mb: int,
    max_pages: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The plan JSON of `data`, read in a child process limited to `seconds` of CPU and `memory_mb`.

    With `max_pages`, scans are recognised (up to that many pages) and legacy formats converted,
    `progress(done, total)` is called as pages are read, and `seconds` is the whole job's budget."""
    command = [
        sys.executable, "-m", "nhiemvu.ingest.parsing.bounded",
        filename, str(max_bytes), str(seconds), str(memory_mb),
    ]  # fmt: skip
    if max_pages is not None:
        command.append(str(max_pages))
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE)
        timer = threading.Timer(seconds + WALL_SLACK_SECONDS, child.kill)
        timer.start()
        try:
            writer = threading.Thread(target=_feed, args=(child, data), daemon=True)
            writer.start()
            assert child.stderr is not None
            for line in child.stderr:
                parts = line.split()
                if len(parts) == 3 and parts[0] == b"progress" and progress is not None:
                    progress(int(parts[1]), int(parts[2]))
            returncode = child.wait()
            writer.join()
        finally:
            timed_out = not timer.is_alive()
            timer.cancel()
        out.seek(0)
        stdout = out.read()
    if timed_out and returncode != 0:
        raise over_budget(seconds, memory_mb)
    if returncode == 0:
        plan: dict = json.loads(stdout)
        return plan
    if returncode == REFUSED:
        refusal = json.loads(stdout)
        raise ExtractionError(refusal["code"], refusal["message_vi"], refusal["message_en"])
    # OVER_BUDGET, or killed by the kernel (SIGXCPU at the CPU limit, SIGKILL, SIGSEGV when an
    # allocation in C fails): the document cost more than its budget.
    raise over_budget(seconds, memory_mb)


def _feed(child: subprocess.Popen, data: bytes) -> None:
    """Write the file to the child's stdin (in a thread: the parent reads its stderr meanwhile)."""
    assert child.stdin is not None
    try:
        child.stdin.write(data)
        child.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the child stopped early (a refusal or a limit): its status says why


def _report_progress(done: int, total: int) -> None:
    print(f"progress {done} {total}", file=sys.stderr, flush=True)


def refuse_active_pdf(data: bytes) -> None:
    """An uploaded plan is kept and offered for download: a PDF with script, embedded files or
    launch actions is refused like an attachment would be (lib.pdfactive)."""
    from nhiemvu.lib.pdfactive import pdf_active_content

    if data.startswith(b"%PDF") and (active := pdf_active_content(data)):
        raise ExtractionError(
            "pdf_active",
            f"Tệp PDF có nội dung chạy được ({active}: mã lệnh, tệp nhúng hoặc lệnh mở chương trình). "
            "Hãy in lại thành PDF thường (In → Lưu dưới dạng PDF) rồi tải lên.",
            f"The PDF has active content ({active}); print it to a plain PDF and upload that.",
        )


def _hit_ceiling(exc: BaseException, memory: int) -> bool:
    """Whether a refusal came from the memory limit: lxml and pdfminer report a failed allocation
    as their own errors ("unknown error"), so the chain of causes and the peak address space are
    both looked at."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, MemoryError):
            return True
        cause = cause.__cause__
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    return peak_kb * 1024 > 0.8 * memory


def _child(argv: list[str]) -> int:
    filename, max_bytes, seconds, memory_mb = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    scans = Scans(max_pages=int(argv[4]), progress=_report_progress) if len(argv) > 4 else None
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from . import extract_bytes

    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        refuse_active_pdf(data)
        plan = extract_bytes(data, filename, max_bytes=max_bytes, scans=scans)
    except ExtractionError as exc:
        if exc.code == "too_complex" or _hit_ceiling(exc, memory):
            return OVER_BUDGET
        json.dump({"code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en}, sys.stdout)
        return REFUSED
    except MemoryError:
        return OVER_BUDGET
    json.dump(plan, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
