from __future__ import annotations

from django.urls import path

from . import holiday_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:task_pk>/periods/<int:period_pk>/", views.report_edit, name="report-edit"),
    path("periods/<int:period_pk>/submissions/", views.submissions, name="submissions"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("plans/<int:plan_pk>/periods/", views.period_list, name="period-list"),
    path("obstacles/<int:pk>/answer/", views.obstacle_answer, name="obstacle-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("holidays/", holiday_views.holiday_years, name="holiday-years"),
    path("holidays/<int:year>/", holiday_views.holiday_year, name="holiday-year"),
]
