"""`python -m nhiemvu.ingest.parsing FILE [--format json|text]`: print the plan JSON or an outline."""

from __future__ import annotations

import argparse
import json
import sys

from . import ExtractionError, extract_file, render_outline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nhiemvu.ingest.parsing", description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--format", choices=("json", "text"), default="json")
    args = ap.parse_args(argv)
    try:
        plan = extract_file(args.file)
    except ExtractionError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(plan, ensure_ascii=False, indent=2))
    else:
        print(render_outline(plan))
    return 0 if plan["tasks"] else 3  # 3: read, but no numbered task in it


if __name__ == "__main__":
    sys.exit(main())
