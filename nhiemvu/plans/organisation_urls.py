"""URLs of the organisation pages (namespace `organisations`), served by the plans app: see organisation_views."""

from __future__ import annotations

from django.urls import path

from . import organisation_views as views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="organisation-list"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
]
