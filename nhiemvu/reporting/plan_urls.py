"""URLs of the plan pages (namespace `plans`), served by the reporting app: see plan_views."""

from __future__ import annotations

from django.urls import path

from . import plan_views as views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/document/", views.plan_document_download, name="plan-document"),
]
