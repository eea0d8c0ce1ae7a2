"""A scorecard as the rows of its workbook (`scorecard/spreadsheet.py`): the export of the migration format."""

from typing import Any
from zoneinfo import ZoneInfo

from metrics.models import DataPoint, Source

from ..models import KPI, PERSPECTIVE_DEFAULTS, Scorecard, Target
from ..spreadsheet import HISTORY, KPIS, PERSPECTIVES, SCORECARD, TARGETS


def _local(ts: Any, zone: ZoneInfo) -> Any:
    """A date when the point is at local midnight (hand entry), else the local date and time."""
    moment = ts.astimezone(zone)
    return moment.date() if moment.time().isoformat() == "00:00:00" else moment.replace(tzinfo=None)


def scorecard_workbook_rows(scorecard: Scorecard) -> dict[str, list[list[Any]]]:
    """Rows per sheet, in the columns' order. A fixed number of queries, however many KPIs."""
    zone = ZoneInfo(scorecard.team.timezone)
    perspectives = list(scorecard.perspectives.all())
    kpis = list(
        KPI.objects.filter(perspective__scorecard=scorecard)
        .select_related("perspective", "metric", "owner", "success_factor")
        .order_by("perspective__order", "perspective_id", "order", "pk")
    )
    targets = Target.objects.filter(kpi__in=kpis).select_related("kpi").order_by("kpi__name", "period_start")
    manual = {kpi.metric_id: kpi for kpi in kpis if kpi.metric is not None and kpi.metric.source == Source.MANUAL}
    points = (
        DataPoint.objects.filter(metric_id__in=list(manual))
        .order_by("metric_id", "ts")
        .values_list("metric_id", "ts", "value")
    )
    return {
        SCORECARD: [[scorecard.title, scorecard.frequency]],
        PERSPECTIVES: [[p.key, p.name, p.question, p.weight] for p in perspectives],
        KPIS: [
            [
                kpi.perspective.key,
                kpi.name,
                kpi.description,
                kpi.unit,
                kpi.aggregation,
                kpi.formula,
                kpi.metric.key if kpi.metric else "",
                kpi.scoring_type,
                kpi.weight,
                kpi.owner.get_username() if kpi.owner else "",
                kpi.baseline,
                kpi.decimals,
                kpi.frequency,
                kpi.success_factor.title if kpi.success_factor else "",
            ]
            for kpi in kpis
        ],
        TARGETS: [
            [t.kpi.name, t.period_start, t.period_end, t.goal, t.red_flag, t.goal_high, t.red_flag_high, t.pacing]
            for t in targets
        ],
        HISTORY: [[manual[metric_id].name, _local(ts, zone), value] for metric_id, ts, value in points],
    }


def template_workbook_rows() -> dict[str, list[list[Any]]]:
    """The empty template: the four perspectives filled in, everything else for the marketer."""
    return {
        SCORECARD: [["", "month"]],
        PERSPECTIVES: [[key, name, question, 1.0] for key, (name, question) in PERSPECTIVE_DEFAULTS.items()],
    }
