"""Uploaded files as the API receives them."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile


def upload_name(file: UploadedFile, *, default: str, max_length: int) -> str:
    """The client's file name, printable, without path separators, at most `max_length` characters
    (its end, where the extension is), or `default` when nothing is left."""
    name = "".join(c for c in (file.name or "") if c.isprintable() and c not in "/\\")
    return name[-max_length:] or default
