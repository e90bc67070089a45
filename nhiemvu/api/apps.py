from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nhiemvu.api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import pre_save

        pre_save.connect(_password_changed, sender=User, dispatch_uid="api.revoke_tokens_on_password_change")


def _password_changed(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A new password revokes the user's API tokens, whichever way it was set (page, admin, command)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = type(instance).objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        from .services import api_tokens_revoke_all

        api_tokens_revoke_all(user_id=instance.pk)
