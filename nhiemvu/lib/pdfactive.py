"""Active content in a PDF: script, embedded files, launch and submit actions (issue 21, ASVS 12.2).

An attachment or a plan is a document to read; a PDF that carries JavaScript, another file inside
it, or an action that starts a program or sends a form is refused, whatever its name says. Every
object of the file is looked at through pdfminer, which decodes what a byte search would miss:
names written with #xx escapes (`/J#61vaScript`) and objects packed into compressed object streams.
"""

from __future__ import annotations

import io
from typing import Any

# Keys, or /S action types, that make a PDF do something rather than show something.
ACTIVE = frozenset(
    {"JavaScript", "JS", "EmbeddedFile", "EmbeddedFiles", "Launch", "RichMedia", "SubmitForm", "ImportData"}
)


def pdf_active_content(data: bytes) -> str | None:
    """The first active feature found in the PDF (e.g. 'JavaScript'), or None for a plain one.

    A file pdfminer cannot parse at all is looked at as raw bytes instead, names decoded.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import PSLiteral

    def feature(obj: Any, depth: int = 0) -> str | None:
        """Looks into the dictionaries and arrays written inside an object (not through references:
        every referenced object is looked at on its own)."""
        if depth > 12:
            return None
        if isinstance(obj, list):
            return next((f for item in obj if (f := feature(item, depth + 1))), None)
        attrs = obj.attrs if isinstance(obj, PDFStream) else obj
        if not isinstance(attrs, dict):
            return None
        for key, value in attrs.items():
            if key in ACTIVE:
                return str(key)
            if key == "S" and isinstance(value, PSLiteral) and value.name in ACTIVE:
                return str(value.name)
            if found := feature(value, depth + 1):
                return found
        return None

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        seen: set[int] = set()
        for xref in document.xrefs:
            for objid in xref.get_objids():
                if objid in seen:
                    continue
                seen.add(objid)
                try:
                    found = feature(document.getobj(objid))
                except Exception:
                    continue
                if found:
                    return found
        return feature(document.catalog)
    except Exception:
        return _raw_scan(data)


def _raw_scan(data: bytes) -> str | None:
    import re

    names = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
    for name in sorted(ACTIVE, key=len, reverse=True):
        if re.search(rb"/" + name.encode() + rb"(?![A-Za-z])", names):
            return name
    return None
