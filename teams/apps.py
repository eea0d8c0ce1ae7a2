from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from auditlog.signals import post_log

        from . import ratelimit, schema  # noqa: F401  (the rate settings' check; the API key scheme of drf-spectacular)
        from .audit import tag_log_entry

        post_log.connect(tag_log_entry, dispatch_uid="teams-audit-owner-tags")
