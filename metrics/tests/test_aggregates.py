"""The maintained day and month aggregates always equal what a rebuild from the points gives (PostgreSQL and SQLite).

Run on SQLite by default and on PostgreSQL with DATABASE_URL set: the two databases keep them by different code.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.aggregates import FIELDS, month_of
from metrics.models import DataPoint, Metric, MetricDay, MetricMonth, Source
from metrics.services import PointIn, datapoint_delete, datapoints_upsert
from teams.models import Team

pytestmark = pytest.mark.django_db

# Around the spring and autumn clock changes of 2027 in Europe and the US, and a half-hour zone without DST.
ZONES = ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]
WINDOWS = [datetime(2027, 3, 26, tzinfo=UTC), datetime(2027, 10, 29, tzinfo=UTC), datetime(2027, 1, 30, tzinfo=UTC)]


@pytest.fixture
def make_team(db):
    def make(name: str, timezone: str = "Europe/Amsterdam") -> Team:
        return Team.objects.create(name=name, slug=name.lower().replace(" ", "-"), timezone=timezone)

    return make


def _snapshot() -> tuple[dict, dict]:
    def rows(model, field):
        return {
            (row.metric_id, getattr(row, field)): tuple(getattr(row, name) for name in FIELDS)
            for row in model.objects.all()
        }

    return rows(MetricDay, "day"), rows(MetricMonth, "month")


def _from_points() -> tuple[dict, dict]:
    """The aggregates computed here, directly from the points, as a reference independent of the module."""
    zones = {m.pk: ZoneInfo(m.team.timezone) for m in Metric.objects.select_related("team")}
    days: dict = {}
    for point in DataPoint.objects.order_by("metric_id", "ts"):
        days.setdefault((point.metric_id, point.ts.astimezone(zones[point.metric_id]).date()), []).append(point)
    day_rows = {
        key: (len(ps), sum(p.value for p in ps), min(p.value for p in ps), max(p.value for p in ps),
              ps[0].ts, ps[0].value, ps[-1].ts, ps[-1].value)
        for key, ps in days.items()
    }  # fmt: skip
    months: dict = {}
    for (metric_id, day), row in sorted(day_rows.items()):
        months.setdefault((metric_id, month_of(day)), []).append(row)
    month_rows = {
        key: (sum(r[0] for r in rs), sum(r[1] for r in rs), min(r[2] for r in rs), max(r[3] for r in rs),
              rs[0][4], rs[0][5], rs[-1][6], rs[-1][7])
        for key, rs in months.items()
    }  # fmt: skip
    return day_rows, month_rows


def _same(found: dict, expected: dict) -> None:
    assert found.keys() == expected.keys()
    for key, row in expected.items():
        got = found[key]
        assert got[0] == row[0] and got[2:] == row[2:], key
        assert got[1] == pytest.approx(row[1]), key  # sums may add up in another order


operation = st.one_of(
    st.tuples(
        st.just("upsert"),
        st.lists(
            st.tuples(st.integers(0, 1), st.integers(0, 6 * 24 * 4), st.integers(-50, 50)), min_size=1, max_size=12
        ),
    ),
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    window=st.sampled_from(WINDOWS),
    operations=st.lists(operation, min_size=1, max_size=8),
)
def test_aggregates_after_random_upserts_resends_corrections_and_deletes_equal_a_rebuild(zones, window, operations):
    DataPoint.objects.all().delete()
    MetricDay.objects.all().delete()
    MetricMonth.objects.all().delete()
    metrics = []
    for index, zone in enumerate(zones):
        team, _ = Team.objects.update_or_create(slug=f"agg-{index}", defaults={"name": f"Agg {index}"})
        Team.objects.filter(pk=team.pk).update(timezone=zone)  # no rebuild: nothing stored yet
        metrics.append(Metric.objects.get_or_create(team=team, key="reach", defaults={"name": "Reach"})[0])
    for kind, payload in operations:
        if kind == "upsert":  # quarter-hour steps over six days: re-sends and corrections hit the same moments
            points = [
                PointIn(metrics[m].pk, window + timedelta(minutes=15 * step), float(value))
                for m, step, value in payload
            ]
            datapoints_upsert(points=points, source=Source.API)
        else:
            existing = list(DataPoint.objects.order_by("pk"))
            if existing:
                datapoint_delete(datapoint=existing[payload % len(existing)])
    incremental = _snapshot()
    reference = _from_points()
    _same(incremental[0], reference[0])
    _same(incremental[1], reference[1])
    call_command("rebuild_aggregates", stdout=None)
    rebuilt = _snapshot()
    _same(rebuilt[0], incremental[0])
    _same(rebuilt[1], incremental[1])


def test_a_point_just_after_local_midnight_counts_for_that_local_day_and_month(make_team):
    team = make_team("Night owls", timezone="America/New_York")
    metric = Metric.objects.create(team=team, key="posts", name="Posts")
    # 1 April 2027 00:30 in New York is 04:30 UTC; 31 March 23:30 in New York is 1 April 03:30 UTC.
    zone = ZoneInfo("America/New_York")
    datapoints_upsert(
        points=[
            PointIn(metric.pk, datetime(2027, 4, 1, 0, 30, tzinfo=zone), 2.0),
            PointIn(metric.pk, datetime(2027, 3, 31, 23, 30, tzinfo=zone), 5.0),
        ],
        source=Source.API,
    )
    days = {row.day.isoformat(): row.sum for row in MetricDay.objects.filter(metric=metric)}
    months = {row.month.isoformat(): row.sum for row in MetricMonth.objects.filter(metric=metric)}
    assert days == {"2027-03-31": 5.0, "2027-04-01": 2.0}
    assert months == {"2027-03-01": 5.0, "2027-04-01": 2.0}


def test_changing_a_teams_time_zone_moves_its_points_to_the_days_of_the_new_zone(make_team):
    team = make_team("Movers", timezone="Europe/Amsterdam")
    metric = Metric.objects.create(team=team, key="posts", name="Posts")
    # 23:30 UTC on 31 March: 1 April in Amsterdam, still 31 March in New York.
    datapoints_upsert(points=[PointIn(metric.pk, datetime(2027, 3, 31, 23, 30, tzinfo=UTC), 1.0)], source=Source.API)
    assert list(MetricDay.objects.filter(metric=metric).values_list("day", flat=True)) == [datetime(2027, 4, 1).date()]
    team.timezone = "America/New_York"
    team.save()
    assert list(MetricDay.objects.filter(metric=metric).values_list("day", flat=True)) == [datetime(2027, 3, 31).date()]
    assert list(MetricMonth.objects.filter(metric=metric).values_list("month", flat=True)) == [
        datetime(2027, 3, 1).date()
    ]


def test_deleting_the_last_point_of_a_day_removes_the_day_and_its_empty_month(make_team):
    team = make_team("Tidy")
    metric = Metric.objects.create(team=team, key="posts", name="Posts")
    datapoints_upsert(points=[PointIn(metric.pk, datetime(2027, 5, 3, 12, tzinfo=UTC), 4.0)], source=Source.API)
    datapoint_delete(datapoint=DataPoint.objects.get(metric=metric))
    assert not MetricDay.objects.filter(metric=metric).exists()
    assert not MetricMonth.objects.filter(metric=metric).exists()
