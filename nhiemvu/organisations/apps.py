from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "nhiemvu.organisations"
    verbose_name = _("Cơ quan, đơn vị")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from nhiemvu.core.sessions import sessions_end

        from .models import Membership, Official, Organisation, Succession
        from .selectors import scope_changed

        def changed(**kwargs: object) -> None:
            scope_changed()

        # What access scopes are computed from (superuser status is in the cache key). Bulk
        # writes send no signals: they must call scope_changed() themselves.
        for model in (Membership, Organisation, Official, Succession):
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"scope-{model._meta.label}-save"
            )
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid=f"scope-{model._meta.label}-delete"
            )

        def role_changed(instance: Membership, **kwargs: object) -> None:
            # A privilege change: the person signs in again, under a new session key (ASVS 3.2.1).
            user = instance.user
            transaction.on_commit(lambda: sessions_end(user))

        post_save.connect(role_changed, sender=Membership, weak=False, dispatch_uid="sessions-role-save")
        post_delete.connect(role_changed, sender=Membership, weak=False, dispatch_uid="sessions-role-delete")
