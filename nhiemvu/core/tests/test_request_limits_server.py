"""The request limits hold in the real server (issue 22, item 4): gunicorn as `nhiemvu serve` runs
it, one worker, on a database of its own, fed 400 MB bodies over a socket while the worker's peak
memory (VmHWM) is watched; and a unit officer, signed in, attaches a 48 MB file to a report.
"""

from __future__ import annotations

import itertools
import secrets
import socket
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings

from nhiemvu.testing import PASSWORD, form_data

from .servers import Server, gunicorn_server

MB = 1024 * 1024
BIG = 400 * MB
# What a worker may grow by while 400 MB go past it: buffers and a temporary file's pages, no body.
BOUND = 40 * MB


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:"))


def _request(port: int, head: str, body_chunks: Iterable[bytes] = ()) -> tuple[bytes, int]:
    """Send `head` and then the chunks from a thread (stopping quietly when the server hangs up),
    while reading the reply: a server may answer, and close, before the body is all sent.
    Returns the reply and how many bytes of the body were sent."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:

        def send() -> None:
            nonlocal sent
            try:
                conn.sendall(head.encode("latin-1"))
                for chunk in body_chunks:
                    conn.sendall(chunk)
                    sent += len(chunk)
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server answered and closed the connection

        sender = threading.Thread(target=send)
        sender.start()
        reply = b""
        try:
            while data := conn.recv(65536):
                reply += data
        except ConnectionResetError:
            pass
        sender.join(timeout=60)
        return reply, sent


def _zeros(total: int, chunk: int = MB) -> Iterator[bytes]:
    block = b"0" * chunk
    for _ in range(total // chunk):
        yield block


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with gunicorn_server(tmp_path_factory.mktemp("server")) as running:
        yield running


def test_a_400_mb_body_is_answered_413_before_it_is_sent(server: Server) -> None:
    port = server.port
    head = (
        "POST /reporting/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {BIG}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode("latin-1"))
        reply = b""  # no byte of the body has been sent, and none will be
        while b"</html>" not in reply and (data := conn.recv(65536)):
            reply += data
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert "vượt giới hạn".encode() in reply


def _multipart(token: str, size: int) -> tuple[int, Iterator[bytes]]:
    """A form with the CSRF token and one file of `size` bytes: (its length, its chunks)."""
    preamble = (
        f'--x\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        '--x\r\nContent-Disposition: form-data; name="language"\r\n\r\nvi\r\n'
        '--x\r\nContent-Disposition: form-data; name="file"; filename="ke-hoach.docx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = b"\r\n--x--\r\n"
    return len(preamble) + size + len(tail), iter([preamble, *_zeros(size), tail])


@pytest.mark.parametrize(
    "shape", ["400 MB, refused by its length", "400 MB chunked, no length", "45 MB form, parsed in full"]
)
def test_a_streamed_body_leaves_the_workers_memory_within_a_bound(server: Server, shape: str) -> None:
    port, worker = server.port, server.worker
    before = _peak_rss(worker)
    if shape.startswith("400 MB, refused"):
        head = f"POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {BIG}\r\n\r\n"
        reply, _ = _request(port, head, _zeros(BIG))
        assert reply.startswith(b"HTTP/1.1 413")
    elif shape.startswith("400 MB chunked"):
        # Django reads a body without a length as empty: the form is empty, refused for its CSRF token.
        head = "POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        blocks = (f"{len(block):x}\r\n".encode() + block + b"\r\n" for block in _zeros(BIG))
        reply, _ = _request(port, head, itertools.chain(blocks, [b"0\r\n\r\n"]))
        assert reply.startswith(b"HTTP/1.1 403")
    else:
        # Under MAX_REQUEST_BYTES, with a valid CSRF token: the whole form is parsed (the language
        # switch answers with a redirect), and of the file only the bytes up to the largest file a
        # form takes are kept, in a temporary file, never in memory.
        token = secrets.token_hex(16)
        size = 45 * MB
        length, chunks = _multipart(token, size)
        assert length < settings.MAX_REQUEST_BYTES
        head = (
            "POST /i18n/setlang/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Cookie: csrftoken={token}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n"
        )
        reply, sent = _request(port, head, chunks)
        assert reply.startswith(b"HTTP/1.1 302"), reply[:300]
        assert sent == length, "the server read the whole body"
    grown = _peak_rss(worker) - before
    assert grown < BOUND, f"the worker's peak memory grew by {grown / MB:.0f} MB"


def test_a_signed_in_officer_attaching_48_mb_reads_the_limit_and_the_worker_holds_none_of_it(
    server: Server,
) -> None:
    """Under the request limit, over the attachment limit: parsed, refused by its size before it is
    read, with the form shown again. Before issue 22 the view read the whole file into memory."""
    base = f"http://127.0.0.1:{server.port}"
    browser = requests.Session()
    browser.get(f"{base}/login/", timeout=30)
    token = browser.cookies["csrftoken"]
    signed_in = browser.post(
        f"{base}/login/",
        data={"username": server.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=30,
    )
    assert signed_in.ok and "sessionid" in browser.cookies
    fields = form_data(browser.get(f"{base}{server.form_path}", timeout=30).text, "report-form")
    fields.update(action="save", narrative="Kèm biên bản nghiệm thu")
    size = 48 * MB
    preamble = "".join(
        f'--x\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
        if isinstance(value, str)
    ).encode() + (
        b'--x\r\nContent-Disposition: form-data; name="attachments"; filename="bien-ban.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    )
    tail = b"\r\n--x--\r\n"
    length = len(preamble) + size + len(tail)
    assert length < settings.MAX_REQUEST_BYTES
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    head = (
        f"POST {server.form_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Cookie: {cookies}\r\nReferer: {base}{server.form_path}\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n"
    )
    before = _peak_rss(server.worker)
    reply, sent = _request(server.port, head, iter([preamble, *_zeros(size), tail]))
    grown = _peak_rss(server.worker) - before
    assert reply.startswith(b"HTTP/1.1 200"), reply[:300]
    assert sent == length
    assert "Tệp «bien-ban.pdf» lớn hơn 10 MB.".encode() in reply
    assert grown < BOUND, f"the worker's peak memory grew by {grown / MB:.0f} MB"
