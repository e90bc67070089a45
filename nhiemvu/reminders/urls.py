from __future__ import annotations

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("preferences/", views.preference_update, name="preference-update"),
    path("calendars/", views.feed_list, name="feed-list"),
    path("calendars/new/", views.feed_create, name="feed-create"),
    path("calendars/<int:pk>/revoke/", views.feed_revoke, name="feed-revoke"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed-ics"),
]
