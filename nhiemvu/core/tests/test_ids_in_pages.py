"""Ids written into pages stay plain digits. With USE_THOUSAND_SEPARATOR a template prints the
integer 1234 as "1.234" in Vietnamese: a hidden input, an option or a query string carrying such
an id then points at nothing (the agency template form answered 404 once ids passed 999 in CI).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.testing import Cast

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# {{ something.pk }}, {{ x.plan_id }}, {{ page.next_page_number }} printed bare (no filter).
BARE_NUMBER = re.compile(r"\{\{\s*[a-z_.]*(?:\bpk|_id|page_number)\s*\}\}")


def test_no_template_prints_an_id_or_page_number_through_number_localisation() -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}: {line.strip()[:100]}"
        for path in TEMPLATES.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_NUMBER.search(line)
    ]
    assert not offenders, 'use |stringformat:"d":\n' + "\n".join(offenders)


@pytest.mark.django_db
def test_an_agency_with_a_four_digit_id_manages_its_templates(client: Client, cast: Cast) -> None:
    agency = Organisation.objects.create(
        pk=4321, parent=cast.province, name="Sở Xây dựng", kind=OrganisationKind.DEPARTMENT
    )
    division = Organisation.objects.create(
        parent=agency, name="Phòng Kế hoạch – Tài chính", kind=OrganisationKind.DIVISION
    )
    Membership.objects.create(user=cast.outsider, organisation=division, role=Role.PLANNING_FINANCE)
    client.force_login(cast.outsider)
    page = client.get(reverse("documents:templates")).content.decode()
    values = re.findall(r'name="agency" value="([^"]+)"', page)
    assert values and set(values) == {"4321"}
    response = client.post(
        reverse("documents:templates"), {"agency": values[0], "kind": "period", "action": "reset"}
    )
    assert response.status_code == 302
