"""KPIs: where their values come from, and manual values entered on the KPI page."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from metrics.models import Metric, Source
from metrics.services import UpsertResult, datapoint_enter
from teams.errors import ApplicationError

from ..formula import FormulaError, formula_terms
from ..models import KPI, Action, Aggregation, Frequency, Perspective, ScoringType
from ..scoring import ScoringError, validate_definition
from .common import apply_changes, require_finite, require_member

KPI_FIELDS = {
    "perspective",
    "success_factor",
    "name",
    "description",
    "unit",
    "decimals",
    "metric",
    "aggregation",
    "formula",
    "frequency",
    "scoring_type",
    "weight",
    "owner",
    "baseline",
    "order",
}
MAX_DECIMALS = 6


def _unique_metric_key(team_id: int, name: str) -> str:
    base = (slugify(name) or "kpi")[:70].strip("-") or "kpi"
    taken = set(Metric.objects.filter(team_id=team_id, key__startswith=base).values_list("key", flat=True))
    key, counter = base, 2
    while key in taken:
        key, counter = f"{base}-{counter}", counter + 1
    return key


def _check_formula(kpi: KPI, team_id: int) -> None:
    try:
        terms = formula_terms(kpi.formula)
    except FormulaError as error:
        raise ApplicationError(_("The formula is not valid: %(error)s") % {"error": error}, field="formula") from None
    keys = {key for _aggregation, key in terms}
    known = set(Metric.objects.filter(team_id=team_id, key__in=keys).values_list("key", flat=True))
    unknown = sorted(keys - known)
    if unknown:
        raise ApplicationError(
            _("The formula uses metrics this team does not have: %(keys)s.") % {"keys": ", ".join(unknown)},
            field="formula",
        )


def _check_targets_still_valid(kpi: KPI) -> None:
    if kpi.pk is None:
        return
    for target in kpi.targets.all():
        try:
            validate_definition(
                kpi.scoring_type,
                goal=target.goal,
                red_flag=target.red_flag,
                goal_high=target.goal_high,
                red_flag_high=target.red_flag_high,
            )
        except ScoringError as error:
            raise ApplicationError(
                _("The target from %(start)s does not fit this scoring type: %(error)s")
                % {"start": target.period_start, "error": error},
                field="scoring_type",
            ) from None


def _clean_kpi(kpi: KPI) -> None:
    """Check a KPI (new or changed, not yet saved) against the rules of its scorecard."""
    scorecard = kpi.perspective.scorecard
    team = scorecard.team
    kpi.name = (kpi.name or "").strip()
    kpi.formula = (kpi.formula or "").strip()
    if not kpi.name:
        raise ApplicationError(_("Give the KPI a name."), field="name")
    if kpi.success_factor is not None and kpi.success_factor.objective.strategy_map_id != scorecard.strategy_map_id:
        raise ApplicationError(_("Choose a success factor of this scorecard's strategy map."), field="success_factor")
    if kpi.metric is not None and kpi.formula:
        raise ApplicationError(_("Use either a metric or a formula, not both."), field="formula")
    if kpi.metric is not None and kpi.metric.team_id != team.pk:
        raise ApplicationError(_("Choose a metric of this team."), field="metric")
    if kpi.formula:
        _check_formula(kpi, team.pk)
    if kpi.aggregation not in Aggregation.values:
        raise ApplicationError(_("Choose an aggregation."), field="aggregation")
    if kpi.frequency not in Frequency.values:
        raise ApplicationError(_("Choose a frequency."), field="frequency")
    if kpi.scoring_type not in ScoringType.values:
        raise ApplicationError(_("Choose a scoring type."), field="scoring_type")
    if kpi.decimals is None or not 0 <= kpi.decimals <= MAX_DECIMALS:
        raise ApplicationError(_("Show between 0 and 6 decimals."), field="decimals")
    weight = require_finite(kpi.weight, field="weight", label=_("The weight"))
    if weight is None or weight < 0:
        raise ApplicationError(_("The weight must be zero or more."), field="weight")
    require_finite(kpi.baseline, field="baseline", label=_("The baseline"))
    require_member(kpi.owner, team)
    _check_targets_still_valid(kpi)


def _give_manual_metric(kpi: KPI) -> None:
    """A KPI without a metric or a formula gets a metric of its own, filled in by hand."""
    if kpi.metric is None and not kpi.formula:
        team_id = kpi.perspective.scorecard.team_id
        kpi.metric = Metric.objects.create(
            team_id=team_id,
            key=_unique_metric_key(team_id, kpi.name),
            name=kpi.name,
            unit=kpi.unit,
            source=Source.MANUAL,
        )


@transaction.atomic
def kpi_create(*, perspective: Perspective, name: str, **fields: Any) -> KPI:
    """A KPI in a perspective; other fields as on the model (description, metric, formula, ...).

    Without an aggregation, a KPI whose values are entered by hand (no metric, no formula) takes `last`: each
    entry is the period's value, not a part of a sum. Other KPIs take `sum`.
    """
    kpi = KPI(perspective=perspective, name=name)
    if not fields.get("aggregation"):
        by_hand = fields.get("metric") is None and not fields.get("formula")
        fields = {**fields, "aggregation": Aggregation.LAST if by_hand else Aggregation.SUM}
    apply_changes(kpi, fields, KPI_FIELDS - {"perspective"})
    _clean_kpi(kpi)
    _give_manual_metric(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, kpi: KPI, **changes: Any) -> KPI:
    """Change a KPI; moving it is allowed only between perspectives of the same scorecard."""
    scorecard_id = kpi.perspective.scorecard_id
    apply_changes(kpi, changes, KPI_FIELDS)
    if kpi.perspective.scorecard_id != scorecard_id:
        raise ApplicationError(_("Choose a perspective of the same scorecard."), field="perspective")
    _clean_kpi(kpi)
    _give_manual_metric(kpi)
    kpi.save()
    # Actions about this KPI follow it to its new perspective (saved one by one: the audit trail records the move).
    for action in Action.objects.filter(kpi=kpi).exclude(perspective=kpi.perspective):
        action.perspective = kpi.perspective
        action.save(update_fields=["perspective"])
    return kpi


@transaction.atomic
def kpi_delete(*, kpi: KPI) -> None:
    """Delete the KPI with its targets; its metric and data points stay (other KPIs may use them)."""
    kpi.delete()


@transaction.atomic
def kpi_value_enter(*, kpi: KPI, day: date, value: float) -> UpsertResult:
    """A value typed in on the KPI page, stored at the start of that day in the team's time zone."""
    if kpi.metric is None:
        raise ApplicationError(_("This KPI is computed from a formula; enter values for its metrics instead."))
    if kpi.metric.source != Source.MANUAL:
        # A hand-typed value would mix with (and be overwritten by) the feed's own values.
        raise ApplicationError(
            _("The values of this KPI come from its feed (%(source)s), not from manual entry.")
            % {"source": kpi.metric.get_source_display()}
        )
    # The one manual-entry path of the metrics app: same date and number rules as the metric page.
    return datapoint_enter(metric=kpi.metric, day=day, value=value)
