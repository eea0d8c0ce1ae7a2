"""A team's time zone decides which local day a point belongs to: changing it rebuilds the team's aggregates."""

from typing import Any

from teams.models import Team

from .aggregates import aggregates_rebuild
from .models import Metric


def remember_timezone(sender: type[Team], instance: Team, **kwargs: Any) -> None:
    if instance.pk is not None:
        instance._old_timezone = Team.objects.filter(pk=instance.pk).values_list("timezone", flat=True).first()  # type: ignore[attr-defined]


def rebuild_on_timezone_change(sender: type[Team], instance: Team, created: bool, **kwargs: Any) -> None:
    """In the saving transaction, so no page ever sees the days of two time zones mixed."""
    old = getattr(instance, "_old_timezone", None)
    if not created and old is not None and old != instance.timezone:
        aggregates_rebuild(metric_ids=list(Metric.objects.filter(team=instance).values_list("pk", flat=True)))
