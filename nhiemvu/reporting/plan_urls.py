"""URLs of the plan pages (namespace `plans`), served by the reporting app: see plan_views."""

from __future__ import annotations

from django.urls import path

from . import directive_views
from . import plan_views as views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/document/", views.plan_document_download, name="plan-document"),
    path("directives/", directive_views.directive_list, name="directive-list"),
    path("directives/new/", directive_views.directive_new, name="directive-create"),
    path("directives/new/task/", directive_views.directive_task_form, name="directive-task-form"),
]
