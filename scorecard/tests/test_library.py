"""The KPI library and "New scorecard from the Social Media Scorecard template"."""

import pytest
from django.urls import reverse

from metrics.channel_services import channel_create
from metrics.connectors.base import all_connectors
from metrics.models import Source
from scorecard.library import LIBRARY, LIBRARY_BY_KEY, library_of
from scorecard.models import KPI, Aggregation, Frequency, PerspectiveKey, Scorecard, ScoringType
from scorecard.services.library import scorecard_create_from_library

pytestmark = pytest.mark.django_db


def create(team, strategy_map, keys):
    return scorecard_create_from_library(
        team=team, strategy_map=strategy_map, title="From the template", frequency="month", kpi_keys=keys
    )


def test_the_library_offers_at_least_eight_kpis_per_perspective_with_complete_definitions():
    for perspective in PerspectiveKey.values:
        assert len(library_of(perspective)) >= 8, perspective
    assert len(LIBRARY_BY_KEY) == len(LIBRARY)  # keys are unique
    for item in LIBRARY:
        assert str(item.name) and str(item.definition), item.key
        assert item.aggregation in Aggregation.values
        assert item.scoring_type in ScoringType.values
        assert item.frequency in Frequency.values


def test_every_feed_the_library_names_is_a_metric_some_channel_connector_declares():
    declared = {spec.key for connector in all_connectors() for spec in connector.metric_specs({})}
    for item in LIBRARY:
        named = set(item.feeds) | set(item.formula_terms)
        assert named <= declared, (item.key, named - declared)


def test_every_library_kpi_becomes_a_valid_kpi_for_hand_entry_when_the_team_has_no_channels(team, strategy_map):
    scorecard = create(team, strategy_map, [item.key for item in LIBRARY])

    kpis = {kpi.name: kpi for kpi in KPI.objects.filter(perspective__scorecard=scorecard).select_related("metric")}
    assert len(kpis) == len(LIBRARY)
    for item in LIBRARY:
        kpi = kpis[str(item.name)]
        assert kpi.perspective.key == item.perspective
        assert (kpi.description, kpi.unit) == (str(item.definition), str(item.unit))
        assert (kpi.aggregation, kpi.scoring_type, kpi.decimals, kpi.frequency) == (
            item.aggregation,
            item.scoring_type,
            item.decimals,
            item.frequency,
        )
        assert kpi.formula == ""
        assert kpi.metric is not None and kpi.metric.source == Source.MANUAL


def test_library_kpis_are_connected_to_the_teams_channel_metrics_at_once(team, strategy_map):
    channel = channel_create(team=team, platform="demo", name="Demo", account_ref="demo", key_prefix="demo")
    scorecard = create(team, strategy_map, ["reach", "followers", "engagement_rate", "clicks", "leads"])

    kpis = {kpi.name: kpi for kpi in KPI.objects.filter(perspective__scorecard=scorecard).select_related("metric")}
    assert kpis["Reach"].metric.key == "demo-reach"
    assert kpis["Reach"].metric.channel == channel
    assert kpis["Followers"].metric.key == "demo-followers"
    assert kpis["Link clicks"].metric.key == "demo-clicks"
    assert kpis["Engagement rate"].formula == "100 * sum(demo-engagements) / sum(demo-reach)"
    assert kpis["Engagement rate"].metric is None
    # No channel of the team measures leads: a metric of its own, for hand entry.
    assert kpis["Leads from social"].metric.source == Source.MANUAL
    assert kpis["Leads from social"].metric.channel is None


def test_only_the_ticked_kpis_are_created_in_their_perspectives(team, strategy_map):
    scorecard = create(team, strategy_map, ["response_time", "trained_staff"])
    assert sorted(KPI.objects.filter(perspective__scorecard=scorecard).values_list("perspective__key", "name")) == [
        ("customer", "Response time"),
        ("organisation", "Trained staff"),
    ]


@pytest.fixture
def url(team):
    return reverse("scorecard:scorecard-from-library", args=[team.slug])


def test_the_marketer_ticks_kpis_per_perspective_and_gets_the_new_scorecard(client_for, url, strategy_map):
    client = client_for("editor")
    page = client.get(url)
    assert page.status_code == 200
    assert "Share of voice" in page.text and "Entered by hand" in page.text
    # Without channels, the page says which channel metrics could feed a KPI.
    assert "a channel with Followers, Subscribers can feed it" in page.text

    data = {"strategy_map": strategy_map.pk, "title": "Our scorecard", "frequency": "month"}
    response = client.post(url, {**data, "kpis_customer": ["reach", "sentiment"], "kpis_financial": ["revenue"]})

    scorecard = Scorecard.objects.get(title="Our scorecard")
    assert response.status_code == 302 and response.url == scorecard.get_absolute_url()
    assert set(KPI.objects.filter(perspective__scorecard=scorecard).values_list("name", flat=True)) == {
        "Reach",
        "Positive sentiment",
        "Revenue from social",
    }


def test_a_kpi_that_is_not_in_the_library_is_refused_and_nothing_is_created(client_for, url, strategy_map):
    data = {"strategy_map": strategy_map.pk, "title": "Our scorecard", "frequency": "month", "kpis_customer": ["x"]}
    response = client_for("editor").post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Scorecard.objects.exists()


def test_the_template_page_is_hidden_from_other_teams_and_closed_to_viewers(client_for, url, strategy_map):
    assert client_for("outsider").get(url).status_code == 404
    viewer = client_for("viewer")
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"strategy_map": strategy_map.pk, "title": "x", "frequency": "month"}).status_code == 403
    assert not Scorecard.objects.exists()


def test_the_template_page_shows_which_channel_metric_will_feed_each_kpi(client_for, url, team):
    channel_create(team=team, platform="demo", name="Demo", account_ref="demo", key_prefix="demo")
    page = client_for("editor").get(url)
    assert "Fed by Demo: Reach" in page.text
    assert "Computed: 100 * sum(demo-engagements) / sum(demo-reach)" in page.text


def test_every_library_kpi_can_be_saved_unchanged_in_the_kpi_form(client_for, team, strategy_map):
    """What the template creates is something the marketer can open and save again as it is."""
    from scorecard.forms import KpiForm

    channel_create(team=team, platform="demo", name="Demo", account_ref="demo", key_prefix="demo")
    scorecard = create(team, strategy_map, [item.key for item in LIBRARY])
    client = client_for("editor")
    for kpi in KPI.objects.filter(perspective__scorecard=scorecard):
        form = KpiForm(instance=kpi, scorecard=scorecard)
        data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
        response = client.post(reverse("scorecard:kpi-edit", args=[team.slug, kpi.pk]), data)
        assert response.status_code == 302, (kpi.name, response.context and response.context["form"].errors)
