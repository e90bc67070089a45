"""/account/: the signed-in person's sessions and password (their API tokens are at /account/tokens/)."""

from __future__ import annotations

from django.urls import path

from . import account_views as views

app_name = "account"
urlpatterns = [
    path("", views.account, name="account"),
    path("sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("sessions/end/", views.sessions_end_all, name="sessions-end"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("session/", views.session_status, name="session-status"),
]
