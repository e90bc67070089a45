"""/account/: the signed-in person's sessions and password (their API tokens are at /account/tokens/)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views as views

app_name = "account"
urlpatterns = [
    path("", views.account, name="account"),
    path("sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("sessions/end/", views.sessions_end_all, name="sessions-end"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("session/", views.session_status, name="session-status"),
]
