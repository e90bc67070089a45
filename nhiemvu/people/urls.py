from __future__ import annotations

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("setup/", views.setup, name="setup"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<int:agency>/", views.agency, name="agency"),
    path("<int:agency>/add/", views.person_add, name="add"),
    path("<int:agency>/import/", views.people_import, name="import"),
    path("<int:agency>/<int:pk>/", views.person, name="person"),
    path("<int:agency>/<int:pk>/resend/", views.invitation_resend, name="resend"),
    path("<int:agency>/<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
]
