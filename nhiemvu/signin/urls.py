from __future__ import annotations

from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("oidc/start/", views.oidc_start, name="oidc-start"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
]
