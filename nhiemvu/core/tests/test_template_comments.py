"""Django's `{# … #}` comment ends on its line: one that runs over lines is printed on the page as text
(an English note about a template once showed up on the province's page)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
OPEN_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_template_comment_runs_over_a_line() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        for text in [path.read_text(encoding="utf-8")]
        for m in OPEN_COMMENT.finditer(text)
    ]
    assert found == [], "use {% comment %} … {% endcomment %} for a note over several lines"
