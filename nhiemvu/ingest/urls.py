from __future__ import annotations

from django.urls import path

from . import views

app_name = "ingest"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/issuer/", views.change_issuer, name="issuer"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
