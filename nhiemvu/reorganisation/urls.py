from __future__ import annotations

from django.urls import path

from . import views

app_name = "reorganisation"
urlpatterns = [
    path("", views.change_list, name="change-list"),
    path("merge/", views.merge, name="merge"),
    path("rename/", views.rename, name="rename"),
]
