from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from auditlog.signals import post_log

        from . import schema  # noqa: F401  (registers the API key scheme with drf-spectacular)
        from .audit import tag_log_entry

        post_log.connect(tag_log_entry, dispatch_uid="teams-audit-owner-tags")
