"""The tests' OpenID Connect provider: django-oauth-toolkit (from PyPI, the `dev` extra) as a second,
tiny Django site with its own settings, database and RSA key, run in its own process
(`python -m nhiemvu.signin.tests.oidc_provider.run`). It stands for the province's identity
provider (Keycloak, ADFS, VNPT's...), speaking the same authorization-code flow with PKCE.

No Django imports here: the test process reads these names without the provider's settings.
"""

from __future__ import annotations

CLIENT_ID = "nhiemvu-test"
CLIENT_SECRET = "nhiemvu-test-client-secret-4f7c9a"

# username → (password, full name, e-mail, groups in the provider's `groups` claim)
PEOPLE = {
    "hoa": ("Hoa-kiem-lam-2023", "Vũ Thị Hoa", "hoa@snn.example.vn", ["SNN-KiemLam", "Toan-tinh"]),
    "binh": ("Binh-so-khac-2023", "Lý Văn Bình", "binh@syt.example.vn", ["SYT-VanPhong"]),
}
