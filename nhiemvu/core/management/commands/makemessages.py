"""`nhiemvu makemessages`: Django's, reading the Jinja2 templates (jinja/*.jinja) as well.

Django turns its own templates into Python before handing them to xgettext; a Jinja2 template's
strings are already Python calls (`_("…")`, `pgettext("plural", "…")`), so `.jinja` files go to
xgettext as they are, read as Python (Django passes `--language=Python` for the django domain).
Keep Jinja comments (`{# … #}`) on lines without strings to translate: to xgettext's Python reader
`#` starts a comment to the end of the line. core/tests/test_jinja.py checks every string of the
Jinja2 templates is in the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import makemessages
from django.utils.functional import cached_property


class BuildFile(makemessages.BuildFile):
    @cached_property
    def is_templatized(self) -> bool:
        return bool(super().is_templatized) and not self.translatable.file.endswith(".jinja")


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("domain", "django") == "django" and not options.get("extensions"):
            options["extensions"] = ["html", "txt", "py", "jinja"]
        super().handle(*args, **options)
