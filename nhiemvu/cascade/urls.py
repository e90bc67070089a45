from __future__ import annotations

from django.urls import path

from . import views

app_name = "cascade"
urlpatterns = [
    path("tasks/<int:pk>/", views.provincial_task, name="provincial-task"),
    path("links/<int:plan_pk>/", views.plan_links, name="plan-links"),
]
