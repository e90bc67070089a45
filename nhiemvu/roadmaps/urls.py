from __future__ import annotations

from django.urls import path

from . import views

app_name = "roadmaps"
urlpatterns = [
    path("tasks/<int:task_pk>/", views.step_list, name="step-list"),
    path("tasks/<int:task_pk>/steps/", views.step_create, name="step-create"),
    path("tasks/<int:task_pk>/periods/<int:period_pk>/", views.period_summary, name="period-summary"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step-edit"),
    path("steps/<int:pk>/delete/", views.step_delete, name="step-delete"),
    path("steps/<int:pk>/done/", views.step_done, name="step-done"),
]
