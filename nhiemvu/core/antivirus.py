"""An optional virus scan of every uploaded file through ClamAV's daemon (clamd, Debian's
`clamav-daemon`), turned on by CLAMD_SOCKET (the path of its local socket).

The file is streamed to clamd with its INSTREAM command. A file clamd names a virus in is refused.
When the scan is configured but clamd does not answer, the upload is refused too (fail closed), with
a message saying to try again later: an unscanned file must not slip through because the scanner
was restarting.
"""

from __future__ import annotations

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd is configured but did not give a verdict."""


def virus_found(data: bytes) -> str | None:
    """The name clamd gives what it found in `data`, or None (clean, or no scanner configured)."""
    path = settings.CLAMD_SOCKET
    if not path:
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(settings.CLAMD_TIMEOUT_SECONDS)
            conn.connect(path)
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                conn.sendall(struct.pack("!I", len(chunk)) + chunk)
            conn.sendall(struct.pack("!I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = conn.recv(4096)
                if not received:
                    break
                reply += received
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    verdict = reply.rstrip(b"\0").decode("utf-8", "replace")  # "stream: OK", "stream: <name> FOUND"
    if verdict.endswith(" FOUND"):
        return verdict.removeprefix("stream: ").removesuffix(" FOUND")
    if verdict.endswith(": OK"):
        return None
    raise ScanUnavailable(verdict)


UNAVAILABLE_VI = (
    "Không kiểm tra được virus cho tệp lúc này; chưa có gì được lưu. Vui lòng thử lại sau ít phút."
)
UNAVAILABLE_EN = (
    "The file could not be checked for viruses just now; nothing was saved. Please try again shortly."
)
