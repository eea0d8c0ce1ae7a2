from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from teams.models import Team

        from . import checks  # noqa: F401  (registers the system check of stored data point times)
        from .signals import rebuild_on_timezone_change, remember_timezone

        pre_save.connect(remember_timezone, sender=Team, dispatch_uid="metrics-remember-timezone")
        post_save.connect(rebuild_on_timezone_change, sender=Team, dispatch_uid="metrics-timezone-rebuild")
