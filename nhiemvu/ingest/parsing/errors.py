"""The one exception the extractor lets escape."""

from __future__ import annotations

__all__ = ["ExtractionError"]


class ExtractionError(Exception):
    """A document the extractor cannot read, with a message in Vietnamese and in English.

    >>> e = ExtractionError("empty", "Tệp rỗng", "The file is empty")
    >>> e.code, str(e)
    ('empty', 'Tệp rỗng / The file is empty')
    """

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
