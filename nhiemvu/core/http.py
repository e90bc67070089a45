"""Request types for the type checker: what a view may assume about `request.user`."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view behind `login_required` (or the API's token): a signed-in user.

    Only an annotation: Django builds a plain HttpRequest; this tells the checker that
    `request.user` is a User, not AnonymousUser.
    """

    user: User
