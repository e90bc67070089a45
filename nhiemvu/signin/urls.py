from __future__ import annotations

app_name = "signin"
urlpatterns: list = []
