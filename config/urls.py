from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from nhiemvu.core import views as core_views

admin.site.site_header = "nhiemvu — Quản trị"
admin.site.site_title = "nhiemvu"
admin.site.index_title = "Quản trị hệ thống"

handler500 = "nhiemvu.core.views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("nhiemvu.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("organisations/changes/", include("nhiemvu.reorganisation.urls")),
    path("organisations/", include("nhiemvu.plans.organisation_urls")),
    path("people/", include("nhiemvu.people.urls")),
    path("signin/", include("nhiemvu.signin.urls")),
    path("plans/", include("nhiemvu.reporting.plan_urls")),
    path("import/", include("nhiemvu.ingest.urls")),
    path("reporting/", include("nhiemvu.reporting.urls")),
    path("roadmaps/", include("nhiemvu.roadmaps.urls")),
    path("documents/", include("nhiemvu.documents.urls")),
    path("province/", include("nhiemvu.cascade.urls")),
    path("reminders/", include("nhiemvu.reminders.urls")),
    path("dashboards/", include("nhiemvu.dashboards.urls")),
    path("audit/", include("nhiemvu.audit.urls")),
    path("api/v1/", include("nhiemvu.api.urls")),
    path("account/tokens/", include("nhiemvu.api.web_urls")),
    path("account/two-factor/", include("nhiemvu.twofactor.urls")),
    path("account/", include("nhiemvu.core.account_urls")),
]
# Uploaded files (attachments, imported plans) have no URL of their own in any mode: they are
# served only by views that check who may read them (reporting:attachment, plans:plan-document).
