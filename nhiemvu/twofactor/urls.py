from __future__ import annotations

from django.urls import path

from . import views

app_name = "twofactor"
urlpatterns = [
    path("", views.status, name="status"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.codes, name="codes"),
    path("verify/", views.verify, name="verify"),
    path("turn-off/", views.disable, name="disable"),
    path("policy/", views.policy_list, name="policy-list"),
    path("policy/<int:agency_id>/", views.policy_edit, name="policy-edit"),
]
