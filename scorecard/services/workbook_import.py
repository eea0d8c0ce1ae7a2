"""Import a scorecard workbook (`scorecard/spreadsheet.py`) into a team: all or nothing.

Every row goes through the same services as the web forms (`scorecard_create`, `perspective_update`,
`metric_create`, `kpi_create`, `target_create`; history through `datapoints_upsert`), each in its own
savepoint so one refused row does not hide the next: every problem is listed with its sheet, row
and column, and when there is any, the whole import is rolled back. A dry run (the preview) does
the same work and always rolls back.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert, local_midnight, metric_create
from strategy.models import StrategyMap, SuccessFactor
from teams.errors import ApplicationError
from teams.models import Team
from teams.selectors import users_of_team

from ..models import KPI, Perspective, Scorecard
from ..spreadsheet import (
    HISTORY,
    KPIS,
    PERSPECTIVES,
    SCORECARD,
    TARGETS,
    CellError,
    ParsedWorkbook,
    Row,
    WorkbookErrors,
    in_sheet_order,
)
from .kpis import kpi_create
from .scorecards import perspective_update, scorecard_create
from .targets import EARLIEST, target_create

T = TypeVar("T")

# Which column a service's refusal (`ApplicationError.field`) points at, per sheet.
FIELD_COLUMNS: dict[str, dict[str, str]] = {
    SCORECARD: {"title": "Title", "frequency": "Frequency", "strategy_map": "Title"},
    PERSPECTIVES: {"name": "Name", "question": "Guiding question", "weight": "Weight"},
    KPIS: {
        "perspective": "Perspective",
        "name": "Name",
        "description": "Description",
        "unit": "Unit",
        "aggregation": "Aggregation",
        "formula": "Formula",
        "metric": "Metric key",
        "key": "Metric key",
        "scoring_type": "Scoring type",
        "weight": "Weight",
        "owner": "Owner",
        "baseline": "Baseline",
        "decimals": "Decimals",
        "frequency": "Frequency",
        "success_factor": "Success factor",
    },
    TARGETS: {
        "period_start": "Period start",
        "period_end": "Period end",
        "goal": "Goal",
        "red_flag": "Red flag",
        "goal_high": "Goal high",
        "red_flag_high": "Red flag high",
        "pacing": "Pacing",
    },
}
FIRST_COLUMN = {SCORECARD: "Title", PERSPECTIVES: "Key", KPIS: "Name", TARGETS: "KPI", HISTORY: "KPI"}


@dataclass(frozen=True)
class ImportSummary:
    title: str
    perspectives: int
    kpis: int
    targets: int
    values: int
    scorecard_id: int | None = None


class _DryRunDone(Exception):
    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


class _Importer:
    def __init__(self, *, team: Team, strategy_map: StrategyMap, workbook: ParsedWorkbook) -> None:
        self.team, self.strategy_map, self.sheets = team, strategy_map, workbook.sheets
        self.errors: list[CellError] = list(workbook.errors)
        self.kpis: dict[str, KPI | None] = {}  # name -> KPI (None: its row was refused)

    def fail(self, sheet: str, row: Row, column: str, message: str) -> None:
        self.errors.append(CellError(sheet, row.number, column, message))

    def attempt(self, sheet: str, row: Row, call: Any) -> Any:
        """Run one row's services in a savepoint; a refusal is listed at the column it names."""
        try:
            with transaction.atomic():
                return call()
        except ApplicationError as error:
            column = FIELD_COLUMNS.get(sheet, {}).get(error.field or "", FIRST_COLUMN[sheet])
            self.fail(sheet, row, column, error.message)
        except ValidationError as error:  # a model's own field check (e.g. the new metric's key)
            fields = list(getattr(error, "error_dict", {}))
            column = FIELD_COLUMNS.get(sheet, {}).get(fields[0] if fields else "", FIRST_COLUMN[sheet])
            self.fail(sheet, row, column, " ".join(error.messages))
        return None

    def good_rows(self, sheet: str) -> list[Row]:
        """The rows whose cells could all be read (the bad cells of the others are listed already)."""
        return [row for row in self.sheets[sheet] if not row.bad]

    def run(self) -> ImportSummary:
        row = self.sheets[SCORECARD][0]
        values = row.values
        if row.bad:
            return self.summary(values.get("Title", ""), None)
        scorecard: Scorecard | None = self.attempt(
            SCORECARD,
            row,
            lambda: scorecard_create(
                team=self.team, strategy_map=self.strategy_map, title=values["Title"], frequency=values["Frequency"]
            ),
        )
        if scorecard is None:
            return self.summary(values["Title"], None)
        perspectives = self.perspectives(scorecard)
        self.import_kpis(perspectives)
        targets = self.import_targets()
        points = self.import_history()
        return self.summary(scorecard.title, scorecard, targets=targets, points=points)

    def summary(self, title: str, scorecard: Scorecard | None, *, targets: int = 0, points: int = 0) -> ImportSummary:
        return ImportSummary(
            title=title,
            perspectives=len(self.sheets[PERSPECTIVES]),
            kpis=sum(1 for kpi in self.kpis.values() if kpi is not None),
            targets=targets,
            values=points,
            scorecard_id=scorecard.pk if scorecard else None,
        )

    def perspectives(self, scorecard: Scorecard) -> dict[str, Perspective]:
        """Rename and re-weight the four perspectives; returns them by key, name and translated name."""
        by_key = {perspective.key: perspective for perspective in scorecard.perspectives.all()}
        seen: dict[str, int] = {}
        for order, row in enumerate(self.good_rows(PERSPECTIVES)):
            key = row.values["Key"]
            if key in seen:
                self.fail(
                    PERSPECTIVES, row, "Key", _("%(key)s is already in row %(row)s") % {"key": key, "row": seen[key]}
                )
                continue
            seen[key] = row.number
            perspective = by_key[key]
            self.attempt(
                PERSPECTIVES,
                row,
                lambda p=perspective, v=row.values, o=order: perspective_update(
                    perspective=p, name=v["Name"], question=v["Guiding question"], order=o, weight=v["Weight"]
                ),
            )
        lookup: dict[str, Perspective] = {}
        for perspective in by_key.values():
            for name in (perspective.key, perspective.name, gettext(perspective.name)):
                lookup.setdefault(name.strip().lower(), perspective)
        return lookup

    def owner(self, row: Row) -> Any:
        name = row.values["Owner"]
        if not name:
            return None
        # Only the team's own people: naming anyone else must read the same as naming nobody.
        users = list(users_of_team(team=self.team).filter(Q(username=name) | Q(email__iexact=name))[:2])
        if len(users) != 1:
            message = (
                _("nobody on this team has this username or e-mail address")
                if not users
                else _("more than one user has this e-mail address; use the username")
            )
            self.fail(KPIS, row, "Owner", message)
            return False
        return users[0]

    def import_kpis(self, perspectives: dict[str, Perspective]) -> None:
        metrics = {metric.key: metric for metric in Metric.objects.filter(team=self.team)}
        factors: dict[str, SuccessFactor] = {}
        for known in SuccessFactor.objects.filter(objective__strategy_map=self.strategy_map).order_by(
            "objective__order", "order", "pk"
        ):
            factors.setdefault(known.title.strip().lower(), known)
        rows: dict[str, int] = {}
        for order, row in enumerate(self.sheets[KPIS]):
            values = row.values
            if row.bad:
                if "Name" in values:  # its targets and history are not checked against a KPI that is not there
                    self.kpis.setdefault(values["Name"], None)
                continue
            name = values["Name"]
            if name in rows:
                self.fail(KPIS, row, "Name", _("a KPI with this name is already in row %(row)s") % {"row": rows[name]})
                continue
            rows[name] = row.number
            self.kpis[name] = None
            perspective = perspectives.get(values["Perspective"].lower())
            if perspective is None:
                self.fail(KPIS, row, "Perspective", _("no perspective with this key or name in sheet Perspectives"))
            owner = self.owner(row)
            factor = factors.get(values["Success factor"].lower()) if values["Success factor"] else None
            if values["Success factor"] and factor is None:
                message = _("no success factor with this title in the strategy map “%(map)s”") % {
                    "map": self.strategy_map.title
                }
                self.fail(KPIS, row, "Success factor", message)
            if perspective is None or owner is False or (values["Success factor"] and factor is None):
                continue
            self.kpis[name] = self.attempt(
                KPIS,
                row,
                lambda p=perspective, v=values, o=order, u=owner, f=factor: self.kpi(p, v, o, u, f, metrics),
            )

    def kpi(
        self,
        perspective: Perspective,
        values: dict[str, Any],
        order: int,
        owner: Any,
        factor: SuccessFactor | None,
        metrics: dict[str, Metric],
    ) -> KPI:
        key = values["Metric key"]
        metric = metrics.get(key) if key else None
        if key and metric is None:  # a new key: a metric for hand entry, as the KPI form would make
            metric = metric_create(team=self.team, key=key, name=values["Name"], unit=values["Unit"])
        kpi = kpi_create(
            perspective=perspective,
            name=values["Name"],
            description=values["Description"],
            unit=values["Unit"],
            aggregation=values["Aggregation"],
            formula=values["Formula"],
            metric=metric,
            scoring_type=values["Scoring type"],
            weight=values["Weight"],
            owner=owner,
            baseline=values["Baseline"],
            decimals=values["Decimals"],
            frequency=values["Frequency"],
            success_factor=factor,
            order=order,
        )
        if kpi.metric is not None:
            metrics[kpi.metric.key] = kpi.metric
        return kpi

    def kpi_of(self, sheet: str, row: Row) -> KPI | None:
        name = row.values["KPI"]
        if name not in self.kpis:
            self.fail(sheet, row, "KPI", _("no KPI with this name in sheet KPIs"))
        return self.kpis.get(name)  # None also when the KPI's own row was refused (listed there)

    def import_targets(self) -> int:
        created = 0
        for row in self.good_rows(TARGETS):
            kpi, v = self.kpi_of(TARGETS, row), row.values
            if kpi is None:
                continue
            target = self.attempt(
                TARGETS,
                row,
                lambda k=kpi, v=v: target_create(
                    kpi=k,
                    period_start=v["Period start"],
                    period_end=v["Period end"],
                    goal=v["Goal"],
                    red_flag=v["Red flag"],
                    goal_high=v["Goal high"],
                    red_flag_high=v["Red flag high"],
                    pacing=v["Pacing"],
                ),
            )
            created += target is not None
        return created

    def import_history(self) -> int:
        zone = ZoneInfo(self.team.timezone)
        today = timezone.now().astimezone(zone).date()
        points: dict[tuple[int, datetime], tuple[int, float]] = {}
        for row in self.good_rows(HISTORY):
            kpi = self.kpi_of(HISTORY, row)
            if kpi is None:
                continue
            metric = kpi.metric
            if metric is None or metric.source != Source.MANUAL:
                self.fail(
                    HISTORY, row, "KPI", _("this KPI's values come from a feed or a formula, not from hand entry")
                )
                continue
            when: date | datetime = row.values["Date"]
            # A date means the start of that day in the team's time zone, as on the KPI page.
            ts = when.replace(tzinfo=zone) if isinstance(when, datetime) else local_midnight(team=self.team, day=when)
            if ts.date() > today:
                self.fail(HISTORY, row, "Date", _("the date is in the future"))
                continue
            if ts.year < EARLIEST.year:
                self.fail(HISTORY, row, "Date", _("values start in the year 2000"))
                continue
            if (metric.pk, ts) in points:
                earlier = points[(metric.pk, ts)][0]
                self.fail(
                    HISTORY,
                    row,
                    "Date",
                    _("this KPI already has a value for this date in row %(row)s") % {"row": earlier},
                )
                continue
            points[(metric.pk, ts)] = (row.number, row.values["Value"])
        if not self.errors:
            datapoints_upsert(
                points=[PointIn(metric_id, ts, value) for (metric_id, ts), (_row, value) in points.items()],
                source=Source.IMPORT,
            )
        return len(points)


@transaction.atomic
def _import(*, team: Team, strategy_map: StrategyMap, workbook: ParsedWorkbook, dry_run: bool) -> ImportSummary:
    importer = _Importer(team=team, strategy_map=strategy_map, workbook=workbook)
    summary = importer.run()
    if importer.errors:
        raise WorkbookErrors(in_sheet_order(importer.errors))  # rolls back everything written so far
    if dry_run:
        raise _DryRunDone(summary)
    return summary


def scorecard_import(
    *, team: Team, strategy_map: StrategyMap, workbook: ParsedWorkbook, dry_run: bool = False
) -> ImportSummary:
    """A new scorecard of `team` on `strategy_map` from a read workbook; WorkbookErrors lists every problem."""
    try:
        return _import(team=team, strategy_map=strategy_map, workbook=workbook, dry_run=dry_run)
    except _DryRunDone as done:
        return done.summary
