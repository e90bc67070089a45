from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("periods/<int:period_pk>/report.<str:fmt>", views.period_report, name="period-report"),
    path("province/", views.provincial_report, name="provincial-report"),
    path("jobs/<int:pk>/", views.report_job, name="report-job"),
    path("jobs/<int:pk>/download", views.report_job_download, name="report-job-download"),
    path("unit-reports/<int:report_pk>/report.<str:fmt>", views.unit_report, name="unit-report"),
    path("templates/", views.templates_page, name="templates"),
    path("templates/<int:agency_pk>/<str:kind>.docx", views.template_download, name="template-download"),
]
