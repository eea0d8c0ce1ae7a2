"""Spreadsheet migration: template, export, upload -> preview -> all-or-nothing import, round trip."""

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from metrics.models import DataPoint, Metric, Source
from metrics.services import PointIn, datapoints_upsert
from scorecard import services
from scorecard.models import KPI, Scorecard
from scorecard.selectors.workbook import scorecard_workbook_rows, template_workbook_rows
from scorecard.services.workbook_import import scorecard_import
from scorecard.spreadsheet import WorkbookErrors, build_workbook, read_workbook
from strategy.models import Objective, StrategyMap, SuccessFactor
from teams.models import Membership, Role

pytestmark = pytest.mark.django_db


def map_of(team):
    """A strategy map with the objective "Be known" and its success factor "Visible every week"."""
    strategy_map = StrategyMap.objects.create(
        team=team, title=f"Map {team.slug}", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    objective = Objective.objects.create(strategy_map=strategy_map, title="Be known")
    SuccessFactor.objects.create(objective=objective, title="Visible every week")
    return strategy_map


def describe(scorecard: Scorecard) -> dict:
    """Everything a user sees of a scorecard's structure, targets and history, without ids."""
    zone = ZoneInfo(scorecard.team.timezone)
    kpis = list(
        KPI.objects.filter(perspective__scorecard=scorecard)
        .select_related("perspective", "metric", "owner", "success_factor")
        .order_by("perspective__order", "order", "pk")
    )
    return {
        "scorecard": (scorecard.title, scorecard.frequency),
        "perspectives": [(p.key, p.name, p.question, p.order, p.weight) for p in scorecard.perspectives.all()],
        "kpis": [
            (
                k.perspective.key,
                k.name,
                k.description,
                k.unit,
                k.aggregation,
                k.formula,
                k.metric.key if k.metric else None,
                k.metric.source if k.metric else None,
                k.scoring_type,
                k.weight,
                k.owner.username if k.owner else None,
                k.baseline,
                k.decimals,
                k.frequency,
                k.success_factor.title if k.success_factor else None,
            )
            for k in kpis
        ],
        "targets": sorted(
            (t.kpi.name, t.period_start, t.period_end, t.goal, t.red_flag, t.goal_high, t.red_flag_high, t.pacing)
            for k in kpis
            for t in k.targets.all()
        ),
        "history": sorted(
            (k.name, p.ts.astimezone(zone).isoformat(), p.value)
            for k in kpis
            if k.metric
            for p in k.metric.datapoints.all()
        ),
    }


@pytest.fixture
def shared_owner(make_user, org):
    """A marketer in both teams, so the KPIs can keep their owner in the other team."""
    user = make_user("marketer", team=org["social"], role=Role.EDITOR)
    Membership.objects.create(user=user, team=org["other"], role=Role.EDITOR)
    return user


@pytest.fixture
def rich_scorecard(team, shared_owner):
    """Renamed perspectives, hand-entry and formula KPIs, all target styles, history with a time of day."""
    strategy_map = map_of(team)
    factor = SuccessFactor.objects.get(objective__strategy_map=strategy_map)
    scorecard = services.scorecard_create(
        team=team, strategy_map=strategy_map, title="Social 2027", frequency="quarter"
    )
    customer, organisation, social, financial = scorecard.perspectives.order_by("order")
    services.perspective_update(perspective=customer, name="Klanten", question="Wie bereiken we?", order=0, weight=2)
    services.perspective_update(perspective=financial, name=financial.name, question="", order=3, weight=0.5)
    visits = services.kpi_create(
        perspective=customer, name="Visits", unit="sessions", owner=shared_owner, order=0, success_factor=factor
    )
    leads = services.kpi_create(
        perspective=financial, name="Leads", unit="leads", aggregation="sum", baseline=10, decimals=1, weight=3
    )
    conversion = services.kpi_create(
        perspective=financial,
        name="Conversion",
        unit="%",
        formula=f"100 * sum({leads.metric.key}) / sum({visits.metric.key})",
        aggregation="avg",
        decimals=2,
        order=1,
    )
    staff = services.kpi_create(
        perspective=organisation,
        name="=Trained staff",  # text that looks like a formula stays text
        description="Share of staff\nwho followed the training",
        scoring_type="stabilize",
        frequency="quarter",
        aggregation="last",
    )
    services.kpi_create(perspective=social, name="Policy", scoring_type="yes_no", aggregation="last")
    services.target_create(
        kpi=visits, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=100, red_flag=50
    )
    services.target_create(
        kpi=leads, period_start=date(2027, 1, 1), period_end=date(2027, 6, 30), goal=40, red_flag=20, pacing="linear"
    )
    services.target_create(
        kpi=conversion, period_start=date(2027, 1, 1), period_end=date(2027, 3, 31), goal=2.5, red_flag=1.5
    )
    services.target_create(
        kpi=staff,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        goal=60,
        red_flag=40,
        goal_high=80,
        red_flag_high=95,
    )
    services.kpi_value_enter(kpi=visits, day=date(2026, 1, 5), value=1234.5)
    services.kpi_value_enter(kpi=visits, day=date(2026, 2, 5), value=1500)
    services.kpi_value_enter(kpi=leads, day=date(2026, 2, 1), value=7)
    # A point with a time of day (sent through the API to a hand-entry metric) keeps its time.
    datapoints_upsert(points=[PointIn(leads.metric_id, datetime(2026, 2, 3, 14, 30, tzinfo=UTC), 2.0)], source="api")
    return scorecard


def test_a_scorecard_exported_and_imported_into_another_team_is_the_same_scorecard(rich_scorecard, org):
    other = org["other"]
    data = build_workbook(scorecard_workbook_rows(rich_scorecard))

    summary = scorecard_import(team=other, strategy_map=map_of(other), workbook=read_workbook(data))

    copy = Scorecard.objects.get(pk=summary.scorecard_id)
    assert copy.team == other
    assert describe(copy) == describe(rich_scorecard)
    assert (summary.kpis, summary.targets, summary.values) == (5, 4, 4)
    # The KPIs entered by hand stay so in the other team: their values can be typed in there.
    assert set(Metric.objects.filter(team=other).values_list("key", "source")) == {
        ("visits", Source.MANUAL),
        ("leads", Source.MANUAL),
        ("trained-staff", Source.MANUAL),
        ("policy", Source.MANUAL),
    }


def test_the_round_trip_through_the_pages_download_upload_preview_confirm(client, rich_scorecard, org, users):
    other = org["other"]
    other_map = map_of(other)
    client.force_login(users["editor"])
    export = client.get(reverse("scorecard:workbook-export", args=[rich_scorecard.team.slug, rich_scorecard.pk]))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(export.content))["KPIs"]["B4"].data_type == "s"  # "=Trained staff": text

    client.force_login(users["outsider"])  # an admin of the other team
    upload = io.BytesIO(export.content)
    upload.name = "social.xlsx"
    preview = client.post(
        reverse("scorecard:workbook-import", args=[other.slug]), {"strategy_map": other_map.pk, "workbook": upload}
    )
    assert preview.status_code == 200
    assert "ready to import" in preview.text and "=Trained staff" in preview.text
    assert not Scorecard.objects.filter(team=other).exists()  # the preview writes nothing

    token = preview.context["token"]
    done = client.post(reverse("scorecard:workbook-import-confirm", args=[other.slug]), {"token": token})

    copy = Scorecard.objects.get(team=other)
    assert done.status_code == 302 and done.url == copy.get_absolute_url()
    assert describe(copy) == describe(rich_scorecard)
    # Confirming twice does not import twice.
    again = client.post(reverse("scorecard:workbook-import-confirm", args=[other.slug]), {"token": token})
    assert again.status_code == 302 and Scorecard.objects.filter(team=other).count() == 1


def template_with(**sheets) -> bytes:
    rows = template_workbook_rows()
    rows.update(sheets)
    return build_workbook(rows)


KPI_DEFAULTS = ["customer", "Reach", "", "accounts", "sum", "", "", "goal_red_flag", 1, "", None, 0, "month"]


def kpi_row(**changes):
    columns = "perspective name description unit aggregation formula metric scoring weight owner baseline decimals"
    row = dict(zip([*columns.split(), "frequency"], KPI_DEFAULTS, strict=True))
    row.update(changes)
    return list(row.values())


def test_every_bad_cell_is_listed_by_sheet_row_and_column_and_nothing_is_written(team):
    data = template_with(
        Scorecard=[["Migrated", "month"]],
        KPIs=[
            kpi_row(owner="nobody"),  # every cell readable, but no such user: listed in the same upload
            kpi_row(name="Leads", weight="heavy", decimals=2.5),
            kpi_row(name="Sentiment", aggregation="median", perspective=""),
        ],
        Targets=[["Leads", date(2027, 1, 1), "31-12-2027", None, 5, None, None, "none"]],
        History=[["Reach", "yesterday", 3], ["Reach", date(2026, 1, 1), "1,5"], ["Leads", date(2026, 1, 1), 2]],
    )
    with pytest.raises(WorkbookErrors) as caught:
        scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(data))
    assert [str(error) for error in caught.value.errors] == [
        "Sheet KPIs, row 2, column Owner: nobody on this team has this username or e-mail address",
        "Sheet KPIs, row 3, column Weight: must be a number",
        "Sheet KPIs, row 3, column Decimals: must be a whole number",
        "Sheet KPIs, row 4, column Perspective: this cell must not be empty",
        "Sheet KPIs, row 4, column Aggregation: choose one of: sum, avg, last, min, max, count",
        "Sheet Targets, row 2, column Goal: enter a number",
        "Sheet History, row 2, column Date: enter a date such as 2027-03-31",
    ]
    assert not Scorecard.objects.exists()
    assert not DataPoint.objects.exists()


def test_rules_of_the_scorecard_are_checked_for_every_row_and_any_problem_rolls_back_the_whole_import(team):
    metrics_before = Metric.objects.count()
    data = template_with(
        Scorecard=[["Migrated", "month"]],
        KPIs=[
            kpi_row(),  # fine on its own: must not stay behind
            kpi_row(name="Reach"),
            kpi_row(name="Staff", perspective="Organisation", scoring="stabilize", owner="nobody@example.com"),
            kpi_row(name="Rate", formula="100 * sum(clicks) / sum(reach)"),
            kpi_row(name="Mood", perspective="feelings"),
            [*kpi_row(name="Known"), "Loved by all"],
        ],
        Targets=[
            ["Reach", date(2027, 1, 1), date(2027, 12, 31), 100, 100, None, None, "none"],
            ["Reach", date(2027, 1, 1), date(2027, 3, 31), 100, 50, None, None, "none"],
            ["Unknown KPI", date(2027, 1, 1), date(2027, 3, 31), 100, 50, None, None, "none"],
        ],
        History=[["Reach", date(2026, 1, 1), 3], ["Reach", date(2026, 1, 1), 4], ["Reach", date(2099, 1, 1), 4]],
    )

    with pytest.raises(WorkbookErrors) as caught:
        scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(data))

    messages = [str(error) for error in caught.value.errors]
    assert messages[:5] == [
        "Sheet KPIs, row 3, column Name: a KPI with this name is already in row 2",
        "Sheet KPIs, row 4, column Owner: nobody on this team has this username or e-mail address",
        "Sheet KPIs, row 5, column Formula: The formula uses metrics this team does not have: clicks.",
        "Sheet KPIs, row 6, column Perspective: no perspective with this key or name in sheet Perspectives",
        "Sheet KPIs, row 7, column Success factor: no success factor with this title in the strategy map “Map social”",
    ]
    assert messages[5].startswith("Sheet Targets, row 2, column Goal: ")
    assert messages[6:] == [
        "Sheet Targets, row 4, column KPI: no KPI with this name in sheet KPIs",
        "Sheet History, row 3, column Date: this KPI already has a value for this date in row 2",
        "Sheet History, row 4, column Date: the date is in the future",
    ]
    assert not Scorecard.objects.exists()
    assert Metric.objects.count() == metrics_before
    assert not DataPoint.objects.exists()


def test_a_formula_typed_into_a_cell_is_refused_not_computed(team):
    workbook = load_workbook(io.BytesIO(template_with(Scorecard=[["Migrated", "month"]], KPIs=[kpi_row()])))
    workbook["KPIs"]["I2"] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookErrors) as caught:
        scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(out.getvalue()))
    assert [str(e) for e in caught.value.errors] == [
        "Sheet KPIs, row 2, column Weight: contains a formula; type the value itself"
    ]


def test_history_goes_only_to_kpis_entered_by_hand(team):
    Metric.objects.create(team=team, key="demo-followers", name="Followers", source=Source.CHANNEL)
    data = template_with(
        Scorecard=[["Migrated", "month"]],
        KPIs=[kpi_row(name="Followers", metric="demo-followers", aggregation="last")],
        History=[["Followers", date(2026, 1, 1), 3]],
    )
    with pytest.raises(WorkbookErrors) as caught:
        scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(data))
    assert [str(e) for e in caught.value.errors] == [
        "Sheet History, row 2, column KPI: this KPI's values come from a feed or a formula, not from hand entry"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"metric,ts,value\nfollowers,2027-01-01,3\n", "This is not an Excel workbook (.xlsx)"),
        (b"PK\x03\x04 broken zip", "This is not an Excel workbook (.xlsx)"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_a_clear_message_not_an_error_page(client_for, team, content, message):
    upload = io.BytesIO(content)
    upload.name = "scorecard.xlsx"
    response = client_for("editor").post(
        reverse("scorecard:workbook-import", args=[team.slug]), {"strategy_map": map_of(team).pk, "workbook": upload}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Scorecard.objects.exists()


def test_too_large_and_oddly_shaped_workbooks_are_refused_with_reasons(settings, monkeypatch):
    data = template_with(Scorecard=[["Migrated", "month"]])
    settings.SCORECARD_WORKBOOK_MAX_BYTES = len(data) - 1
    with pytest.raises(WorkbookErrors, match="1 problems") as caught:
        read_workbook(data)
    assert "larger than" in str(caught.value.errors[0])

    settings.SCORECARD_WORKBOOK_MAX_BYTES = 5 * 2**20
    monkeypatch.setattr("scorecard.spreadsheet.MAX_UNPACKED_BYTES", 1000)  # a zip bomb unpacks far beyond its size
    with pytest.raises(WorkbookErrors) as caught:
        read_workbook(data)
    assert str(caught.value.errors[0]) == "The workbook unpacks to too much data."

    monkeypatch.setattr("scorecard.spreadsheet.MAX_UNPACKED_BYTES", 100 * 2**20)
    workbook = load_workbook(io.BytesIO(data))
    del workbook["Targets"]
    workbook["History"].delete_cols(3)
    workbook["Scorecard"].append(["Second title", "month"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookErrors) as caught:
        read_workbook(out.getvalue())
    assert [str(e) for e in caught.value.errors] == [
        "Sheet Targets: the sheet is missing",
        "Sheet History: column Value is missing",
        "Sheet Scorecard: fill in exactly one row: the title and frequency",
    ]


def test_the_template_has_the_sheets_the_help_and_the_four_perspectives(client_for, team):
    response = client_for("viewer").get(reverse("scorecard:workbook-template", args=[team.slug]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Scorecard", "Perspectives", "KPIs", "Targets", "History", "Help"]
    assert [row[0] for row in workbook["Perspectives"].iter_rows(min_row=2, values_only=True)] == [
        "customer",
        "organisation",
        "social_media",
        "financial",
    ]
    assert [cell.value for cell in workbook["KPIs"][1]][:3] == ["Perspective", "Name", "Description"]


def test_the_import_pages_are_hidden_from_other_teams_and_closed_to_viewers(client_for, team, rich_scorecard):
    pages = [reverse("scorecard:workbook-import", args=[team.slug])]
    confirm = reverse("scorecard:workbook-import-confirm", args=[team.slug])
    export = reverse("scorecard:workbook-export", args=[team.slug, rich_scorecard.pk])
    outsider = client_for("outsider")
    assert outsider.get(pages[0]).status_code == 404
    assert outsider.post(confirm).status_code == 404
    assert outsider.get(export).status_code == 404
    viewer = client_for("viewer")
    assert viewer.get(pages[0]).status_code == 403
    assert viewer.post(confirm, {"token": "x"}).status_code == 403
    assert viewer.get(export).status_code == 200  # reading a scorecard is open to viewers


def test_exporting_a_scorecard_takes_a_fixed_number_of_queries_however_many_kpis(
    rich_scorecard, django_assert_max_num_queries
):
    perspective = rich_scorecard.perspectives.first()
    for n in range(20):
        kpi = services.kpi_create(perspective=perspective, name=f"KPI {n}")
        services.kpi_value_enter(kpi=kpi, day=date(2026, 1, 1), value=n)
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=2, red_flag=1
        )
    scorecard = Scorecard.objects.select_related("team").get(pk=rich_scorecard.pk)
    with django_assert_max_num_queries(4):
        rows = scorecard_workbook_rows(scorecard)
    assert len(rows["KPIs"]) == 25 and len(rows["Targets"]) == 24 and len(rows["History"]) == 24


def test_a_metric_key_that_is_not_a_key_and_history_before_2000_are_named_at_their_cells(team):
    data = template_with(
        Scorecard=[["Migrated", "month"]],
        KPIs=[kpi_row(metric="not a key!"), kpi_row(name="Leads")],
        History=[["Leads", date(1999, 12, 31), 3]],
    )
    with pytest.raises(WorkbookErrors) as caught:
        scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(data))
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 2
    assert messages[0].startswith("Sheet KPIs, row 2, column Metric key: Enter a valid “slug”")
    assert messages[1] == "Sheet History, row 2, column Date: values start in the year 2000"


def test_an_upload_over_the_limit_is_refused_with_the_limit_and_not_stored(client_for, team, settings):
    settings.SCORECARD_WORKBOOK_MAX_BYTES = 2 * 2**20
    upload = io.BytesIO(b"x" * (3 * 2**20))
    upload.name = "huge.xlsx"
    response = client_for("editor").post(
        reverse("scorecard:workbook-import", args=[team.slug]), {"strategy_map": map_of(team).pk, "workbook": upload}
    )
    assert response.status_code == 200
    assert "The file is larger than 2 MB." in response.text
    assert not Scorecard.objects.exists()


def test_the_upload_form_still_needs_its_csrf_token(team, users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["editor"])
    response = client.post(reverse("scorecard:workbook-import", args=[team.slug]), {"strategy_map": map_of(team).pk})
    assert response.status_code == 403


def test_an_owner_from_another_organisation_reads_the_same_as_nobody(team, users):
    """The workbook names owners by username or e-mail: it must not tell which accounts exist elsewhere."""
    answers = []
    for owner in ["outsider", "outsider@example.com", "root", "no-such-person"]:
        data = template_with(Scorecard=[["Migrated", "month"]], KPIs=[kpi_row(owner=owner)])
        with pytest.raises(WorkbookErrors) as caught:
            scorecard_import(team=team, strategy_map=map_of(team), workbook=read_workbook(data))
        answers.append([str(error).replace(owner, "?") for error in caught.value.errors])
    assert answers[0] and all(answer == answers[0] for answer in answers)
    assert not Scorecard.objects.exists()
