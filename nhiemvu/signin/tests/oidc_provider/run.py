"""Start the tests' OpenID provider: a fresh RSA key, the database, its people and nhiemvu's client, then serve.

    python -m nhiemvu.signin.tests.oidc_provider.run --port 8765 --db /tmp/provider.sqlite3 \
        --redirect-uri http://localhost:8000/signin/oidc/callback/
"""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["PROVIDER_RSA_KEY"] = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    os.environ["PROVIDER_DB"] = args.db
    os.environ["DJANGO_SETTINGS_MODULE"] = "nhiemvu.signin.tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from . import CLIENT_ID, CLIENT_SECRET, PEOPLE

    call_command("migrate", verbosity=0)
    for username, (password, full_name, email, groups) in PEOPLE.items():
        first, _, last = full_name.rpartition(" ")
        user = User.objects.create_user(username, email, password, first_name=first, last_name=last)
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    Application.objects.create(
        name="nhiemvu",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )
    call_command(
        "runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True, skip_checks=True
    )


if __name__ == "__main__":
    main()
