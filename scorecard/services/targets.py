"""Targets: how high the bar is for a KPI during a range of dates."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from teams.errors import ApplicationError

from ..models import KPI, Target
from ..scoring import ScoringError, validate_definition
from .common import apply_changes, require_finite

TARGET_FIELDS = {"period_start", "period_end", "goal", "red_flag", "goal_high", "red_flag_high", "pacing"}
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_SPAN_DAYS = 10 * 366


def _clean_target(target: Target) -> None:
    kpi = target.kpi
    start, end = target.period_start, target.period_end
    if start is None or end is None:
        raise ApplicationError(_("Give the target a start and an end date."), field="period_start")
    if end < start:
        raise ApplicationError(_("The end date must not be before the start date."), field="period_end")
    if start < EARLIEST or end > LATEST:
        raise ApplicationError(_("Targets must lie between 2000 and 2100."), field="period_start")
    if (end - start).days > MAX_SPAN_DAYS:
        raise ApplicationError(_("A target can span at most ten years."), field="period_end")
    if target.pacing not in Target.Pacing.values:
        raise ApplicationError(_("Choose a pacing."), field="pacing")
    labels = {
        "goal": _("The goal"),
        "red_flag": _("The red flag"),
        "goal_high": _("The upper goal"),
        "red_flag_high": _("The upper red flag"),
    }
    for field, label in labels.items():
        setattr(target, field, require_finite(getattr(target, field), field=field, label=label))
    if target.goal is None:
        raise ApplicationError(_("Set a goal."), field="goal")
    try:
        validate_definition(
            kpi.scoring_type,
            goal=target.goal,
            red_flag=target.red_flag,
            goal_high=target.goal_high,
            red_flag_high=target.red_flag_high,
        )
    except ScoringError as error:
        raise ApplicationError(str(error), field="goal") from None
    overlapping = (
        Target.objects.filter(kpi=kpi, period_start__lte=end, period_end__gte=start).exclude(pk=target.pk).first()
    )
    if overlapping is not None:
        raise ApplicationError(
            _("This KPI already has a target from %(start)s until %(end)s; targets may not overlap.")
            % {"start": overlapping.period_start, "end": overlapping.period_end},
            field="period_start",
        )


@transaction.atomic
def target_create(*, kpi: KPI, period_start: date, period_end: date, goal: float, **fields: Any) -> Target:
    """A target; also red_flag, goal_high, red_flag_high (stabilize) and pacing."""
    KPI.objects.select_for_update().filter(pk=kpi.pk).first()  # one writer per KPI: no overlaps slip in
    target = Target(kpi=kpi, period_start=period_start, period_end=period_end, goal=goal)
    apply_changes(target, fields, TARGET_FIELDS)
    _clean_target(target)
    target.save()
    return target


@transaction.atomic
def target_update(*, target: Target, **changes: Any) -> Target:
    KPI.objects.select_for_update().filter(pk=target.kpi_id).first()
    apply_changes(target, changes, TARGET_FIELDS)
    _clean_target(target)
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: Target) -> None:
    target.delete()
