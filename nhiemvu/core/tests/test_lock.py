"""requirements.lock (the hash-checked production install, `make lock`) agrees with pyproject.toml:
every pinned dependency at the same version, and every line of the lock carrying hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def test_the_lock_pins_every_dependency_at_the_version_pyproject_names_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): r.split("==", 1)[1].split(";")[0].strip() for r in project["dependencies"]}
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        _name(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+) \\$", lock, re.M)
    }
    assert {name: pinned.get(name) for name in wanted} == wanted
    blocks = [b for b in re.split(r"\n(?=[A-Za-z])", lock) if "==" in b.split("\n", 1)[0]]
    assert blocks and all("--hash=sha256:" in block for block in blocks)
    # The production install carries none of the development tools.
    dev_only = {_name(r) for r in project["optional-dependencies"]["dev"]} - set(wanted)
    assert not dev_only & set(pinned), dev_only & set(pinned)
