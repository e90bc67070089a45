"""What a user may see, kept in a shared cache between requests: never older than the last change
to memberships, organisations or officials (a revoked membership is gone on the next request)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.urls import reverse

from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.testing import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope_cache(settings):
    settings.ACCESS_SCOPE_CACHE_SECONDS = 3600


def _next_request(user: User) -> User:
    """The user as the next request loads it: a fresh object, nothing kept on it."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_second_request_works_out_the_scope_without_a_query(cast, scope_cache, django_assert_num_queries):
    first = access_scope(_next_request(cast.unit_staff))
    user = get_user_model()(pk=cast.unit_staff.pk, username="kiemlam")  # as the session restores it
    with django_assert_num_queries(0):
        again = access_scope(user)
    assert again == first and cast.forest_unit.pk in again.unit_orgs


def test_without_the_setting_every_request_queries(cast, settings, django_assert_num_queries):
    settings.ACCESS_SCOPE_CACHE_SECONDS = 0
    access_scope(_next_request(cast.unit_staff))
    user = _next_request(cast.unit_staff)
    with django_assert_num_queries(2):  # memberships and the organisation tree
        access_scope(user)


def test_a_new_membership_counts_on_the_next_request(cast, scope_cache, django_capture_on_commit_callbacks):
    assert cast.rural_unit.pk not in access_scope(_next_request(cast.unit_staff)).unit_orgs
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(user=cast.unit_staff, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    assert cast.rural_unit.pk in access_scope(_next_request(cast.unit_staff)).unit_orgs


def test_a_revoked_membership_is_gone_on_the_next_request(
    cast, scope_cache, client, django_capture_on_commit_callbacks
):
    plan = make_plan(cast, tasks=1)
    task = plan.tasks.get()  # led by the forest unit
    url = reverse("reporting:task-detail", args=[task.pk])
    client.force_login(cast.unit_staff)
    assert client.get(url).status_code == 200  # the scope is now cached
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=cast.unit_staff).get().delete()
    # A change of role ends the person's sessions (core.sessions); signed in again, the scope is new.
    assert client.get(url).status_code == 302
    client.force_login(cast.unit_staff)
    assert client.get(url).status_code == 404


def test_a_change_to_the_organisation_tree_counts_on_the_next_request(
    cast, scope_cache, django_capture_on_commit_callbacks
):
    assert access_scope(_next_request(cast.director)).department_orgs
    with django_capture_on_commit_callbacks(execute=True):
        new_unit = Organisation.objects.create(
            parent=cast.department, name="Trung tâm Khuyến nông", kind=OrganisationKind.SUB_DEPARTMENT
        )
    assert new_unit.pk in access_scope(_next_request(cast.director)).department_orgs


def test_unlinking_an_official_counts_on_the_next_request(
    cast, scope_cache, django_capture_on_commit_callbacks
):
    official = cast.deputy_official
    assert official.pk in access_scope(_next_request(cast.deputy)).leader_official_ids
    with django_capture_on_commit_callbacks(execute=True):
        official.user = None
        official.save()
    assert official.pk not in access_scope(_next_request(cast.deputy)).leader_official_ids


def test_a_change_is_not_seen_before_it_is_committed(cast, scope_cache, django_capture_on_commit_callbacks):
    """Invalidated after the commit: a request in between must not cache the old rows as new."""
    access_scope(_next_request(cast.unit_staff))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Membership.objects.create(user=cast.unit_staff, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    assert callbacks  # the invalidation waits for the commit
    assert cast.rural_unit.pk not in access_scope(_next_request(cast.unit_staff)).unit_orgs
    for callback in callbacks:
        callback()
    assert cast.rural_unit.pk in access_scope(_next_request(cast.unit_staff)).unit_orgs
