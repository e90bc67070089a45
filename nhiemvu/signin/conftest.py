"""What pytest's --doctest-modules must not import in this app."""

from __future__ import annotations

import importlib.util

# The tests' OpenID provider is a second Django site with its own settings: it runs in its own
# process (tests/test_oidc.py), never inside this one.
collect_ignore_glob = ["tests/oidc_provider/*"]
# The LDAP backend needs python-ldap (the `ldap` extra); without it the LDAP tests skip, and so
# must the import of the backend's module.
if importlib.util.find_spec("ldap") is None:
    collect_ignore = ["ldap.py"]
