from __future__ import annotations

from django.urls import path

from . import province, views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tasks/", views.task_list, name="task-list"),
    path("leader/", views.leader, name="leader"),
    path("leaders/<int:official_id>/", views.leader, name="leader-detail"),
    path("units/<int:org_id>/", views.unit, name="unit"),
    path("health/", views.health, name="health"),
    path("province/", province.province, name="province"),
    path(
        "province/<int:plan_pk>/agencies/<int:agency_pk>/", province.province_agency, name="province-agency"
    ),
]
