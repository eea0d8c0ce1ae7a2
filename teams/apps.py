from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from auditlog.signals import post_log

        # Imported for what they register: the rate settings' check, the API key scheme (drf-spectacular), the
        # counting of bad two-factor codes by django-axes, and the start-up check of SAML's libraries.
        from . import ratelimit, schema, two_factor  # noqa: F401
        from .audit import tag_log_entry
        from .sso import checks  # noqa: F401

        post_log.connect(tag_log_entry, dispatch_uid="teams-audit-owner-tags")
