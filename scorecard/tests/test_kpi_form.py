"""The KPI form helps a marketer choose: metrics that read apart, success factors under their objective, owners
who can keep the KPI up to date, and a word of help on scoring type, weight and baseline."""

import pytest
from django.urls import reverse
from lxml import html

from metrics.channel_services import channel_create
from metrics.models import Metric
from teams.tests.test_tenant_isolation import kpi_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_page(client_for, team, users):
    kpi = kpi_of(team)
    for platform, name in (("demo", "Instagram"), ("demo", "Facebook")):
        channel = channel_create(team=team, platform=platform, name=name, account_ref=name.lower())
        Metric.objects.create(team=team, key=f"fans-{name.lower()}", name="Fans", channel=channel)
    url = reverse("scorecard:kpi-create", args=[team.slug, kpi.perspective_id])
    return html.fromstring(client_for("editor").get(url).content)


def test_metrics_of_the_same_name_read_apart_by_key_and_channel(form_page):
    labels = form_page.xpath('//select[@name="metric"]/option/text()')
    assert "Fans (fans-instagram) · Instagram" in labels
    assert "Fans (fans-facebook) · Facebook" in labels


def test_success_factors_are_grouped_under_their_objective(form_page):
    groups = {
        group.get("label"): group.xpath("option/text()")
        for group in form_page.xpath('//select[@name="success_factor"]/optgroup')
    }
    assert groups == {"Cause": ["Factor of Cause"], "Effect": ["Factor of Effect"]}


def test_only_editors_and_admins_are_offered_as_owners(form_page):
    owners = form_page.xpath('//select[@name="owner"]/option[@value!=""]/text()')
    assert owners == ["editor", "owner"]


def test_scoring_type_weight_and_baseline_have_help(form_page):
    for field in ("scoring_type", "weight", "baseline"):
        assert form_page.xpath(f'//*[@id="id_{field}_helptext"]'), field


def test_a_viewer_chosen_as_owner_is_refused_with_a_clear_message(client_for, team, users):
    kpi = kpi_of(team)
    url = reverse("scorecard:kpi-edit", args=[team.slug, kpi.pk])
    data = {"perspective": kpi.perspective_id, "name": "Leads", "aggregation": "sum", "decimals": 0}
    data |= {"frequency": "month", "scoring_type": "goal_red_flag", "weight": "1", "owner": users["viewer"].pk}
    response = client_for("editor").post(url, data)
    assert response.status_code == 200
    assert "Choose an editor or admin of this team" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.owner is None
