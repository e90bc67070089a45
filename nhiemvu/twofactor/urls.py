from __future__ import annotations

app_name = "twofactor"
urlpatterns: list = []
