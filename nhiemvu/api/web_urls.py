"""/account/tokens/: the user's API tokens (the page lives outside /api/v1/, which takes no session)."""

from __future__ import annotations

from django.urls import path

from . import web_views

app_name = "api-tokens"
urlpatterns = [
    path("", web_views.token_list, name="token-list"),
    path("new/", web_views.token_create, name="token-create"),
    path("<int:pk>/revoke/", web_views.token_revoke, name="token-revoke"),
]
