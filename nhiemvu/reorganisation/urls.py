from __future__ import annotations

app_name = "reorganisation"
urlpatterns: list = []
