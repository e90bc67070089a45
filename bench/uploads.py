"""Bounded uploads (issue 22): what oversize bodies and expensive documents cost the server.

    .venv/bin/python bench/uploads.py

Prints, for gunicorn in production mode (one worker, two threads, loopback):
- a 400 MB body refused by its Content-Length, a 400 MB chunked body, a 45 MB form parsed in
  full: time to the answer and the worker's peak-memory growth (VmHWM);
and for the plan reader:
- the cost of reading in a child process with a budget, against reading in-process (medians of
  RUNS on the sample plans);
- a .docx whose XML inflates past the cap, and one under the cap that parses slowly with a
  two-second budget: time to the refusal.
The requests above need no database: the limits act before any session or user is looked at.
"""

from __future__ import annotations

import io
import itertools
import os
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from province import NHIEMVU, ROOT, gunicorn, production_env

sys.path.insert(0, str(ROOT))

from nhiemvu.ingest.parsing import ExtractionError, extract_bounded, extract_bytes
from nhiemvu.ingest.parsing.read import MAX_XML

MB = 1024 * 1024
RUNS = int(os.environ.get("RUNS", "7"))
SAMPLES = [
    ROOT.parent / "shared/corpus/seed/lang-son-snn-2023.txt",
    ROOT.parent / "shared/corpus/dev/binh-dinh-sct-2025.docx",
    ROOT.parent / "shared/corpus/dev/thai-nguyen-sgtvt-2022.pdf",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:"))


def stream(port: int, head: bytes, body: Iterator[bytes]) -> tuple[bytes, float]:
    """Send the head and the body, reading the answer; (its status line, seconds to it)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
        conn.sendall(head)
        try:
            for chunk in body:
                conn.sendall(chunk)
        except OSError:
            pass  # answered and closed before the body was all sent
        reply = b""
        try:
            while b"\r\n" not in reply and (data := conn.recv(4096)):
                reply += data
        except ConnectionResetError:
            pass
    return reply.split(b"\r\n", 1)[0], time.monotonic() - started


def server_figures() -> None:
    # No database is touched on these paths; the static manifest is (the error pages use it).
    env = {**production_env("uploads", "unused"), "DATABASE_URL": "sqlite:////nonexistent/unused.sqlite3"}
    subprocess.run([*NHIEMVU, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    port = free_port()
    with gunicorn(env, port, workers=1, threads=2, label="uploads") as master:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        worker = int(children[0])
        for _warm_up in range(3):  # the first requests import and compile what every later one uses
            stream(port, b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", iter(()))
            stream(
                port,
                b"POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n",
                iter(()),
            )
            stream(port, b"POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx", iter(()))
        block = b"0" * MB
        token = "a" * 32
        form = (
            f'--x\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            '--x\r\nContent-Disposition: form-data; name="language"\r\n\r\nvi\r\n'
            '--x\r\nContent-Disposition: form-data; name="file"; filename="k.docx"\r\n\r\n'
        ).encode()
        tail = b"\r\n--x--\r\n"
        length = len(form) + 45 * MB + len(tail)
        cases = [
            (
                "400 MB, Content-Length over the limit",
                f"POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {400 * MB}\r\n\r\n",
                itertools.repeat(block, 400),
            ),
            (
                "400 MB chunked, no length",
                "POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                itertools.chain(
                    itertools.repeat(f"{MB:x}\r\n".encode() + block + b"\r\n", 400), [b"0\r\n\r\n"]
                ),
            ),
            (
                "45 MB form under the limit, parsed",
                "POST /i18n/setlang/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Cookie: __Host-csrftoken={token}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {length}\r\n\r\n",
                itertools.chain([form], itertools.repeat(block, 45), [tail]),
            ),
        ]
        print("server (gunicorn, production settings, 1 worker x 2 threads)")
        for label, head, body in cases:
            before = peak_rss(worker)
            status, seconds = stream(port, head.encode("latin-1"), body)
            grown = (peak_rss(worker) - before) / MB
            print(f"  {label:<40} {status.decode():<42} {seconds * 1000:7.0f} ms  peak +{grown:5.1f} MB")


def inflating_docx(xml_bytes: int) -> bytes:
    source = zipfile.ZipFile(SAMPLES[1])
    document = source.read("word/document.xml").decode()
    head, rest = document.split("<w:body>", 1)
    paragraph = (
        "<w:p><w:r><w:t>{n}. Triển khai nhiệm vụ số {n}, hoàn thành trước 30/6/2025.</w:t></w:r></w:p>"
    )
    parts, size, n = [], 0, 0
    while size < xml_bytes:
        parts.append(paragraph.format(n=n))
        size += len(parts[-1].encode())
        n += 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            body = f"{head}<w:body>{''.join(parts)}{rest}" if info.filename == "word/document.xml" else None
            packed.writestr(info.filename, body if body is not None else source.read(info.filename))
    return out.getvalue()


def reader_figures() -> None:
    print(f"plan reader (medians of {RUNS})")
    for path in SAMPLES:
        data = path.read_bytes()
        inside, child = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            extract_bytes(data, path.name)
            inside.append(time.perf_counter() - started)
            started = time.perf_counter()
            extract_bounded(data, path.name, max_bytes=20 * MB, seconds=30, memory_mb=1024)
            child.append(time.perf_counter() - started)
        a, b = statistics.median(inside) * 1000, statistics.median(child) * 1000
        print(f"  {path.name:<32} in-process {a:6.0f} ms   child with budget {b:6.0f} ms   (+{b - a:.0f} ms)")
    for label, size, seconds in (
        (f"XML past the {MAX_XML // MB} MB cap", MAX_XML + MB, 30),
        ("8 MB of XML, 2 s budget", 8 * MB, 2),
    ):
        data = inflating_docx(size)
        started = time.perf_counter()
        try:
            extract_bounded(data, "k.docx", max_bytes=20 * MB, seconds=seconds, memory_mb=1024)
            outcome = "read"
        except ExtractionError as exc:
            outcome = exc.code
        elapsed = time.perf_counter() - started
        print(f"  {label:<32} {len(data) / MB:4.1f} MB packed -> {outcome:<12} in {elapsed * 1000:6.0f} ms")


if __name__ == "__main__":
    server_figures()
    reader_figures()
