from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = _("Scorecard")

    def ready(self) -> None:
        from .evaluation import cache

        cache.connect()  # cached closed-period results forget a scorecard when its structure changes
