"""Removing a member or deleting a data point takes a second, deliberate click; a new API key can be copied with
one click, and the API guide's examples use metrics the demo team has."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import html

from metrics.demo import METRICS
from metrics.models import DataPoint
from teams.models import Membership
from teams.tests.test_tenant_isolation import kpi_of

pytestmark = pytest.mark.django_db


def test_the_remove_button_of_a_member_first_asks_whom_it_removes(client_for, team):
    page = html.fromstring(client_for("admin").get(reverse("teams:team-members", args=[team.slug])).content)
    removes = page.xpath('//button[@name="remove"]')
    assert removes
    for button in removes:
        step = button.xpath("ancestor::details")
        assert step, "the remove button is behind a second step"
        assert re.search(r"Remove \w+ from the team\?", step[0].text_content())


def test_the_confirmed_removal_removes_the_member(client_for, team, users):
    membership = Membership.objects.get(team=team, user=users["viewer"])
    url = reverse("teams:membership-update", args=[team.slug, membership.pk])
    client_for("admin").post(url, {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_a_data_point_first_asks_about_its_value(client_for, team):
    metric = kpi_of(team).metric
    page = html.fromstring(client_for("editor").get(metric.get_absolute_url()).content)
    forms = page.xpath('//form[contains(@action, "/points/")]')
    assert len(forms) == DataPoint.objects.filter(metric=metric).count()
    for form in forms:
        step = form.xpath(".//details")
        assert step and step[0].xpath('.//button[@type="submit"]'), "the delete button is behind a second step"
        assert "Delete the value 7?" in step[0].text_content()


def test_a_new_api_key_has_a_copy_button_and_a_working_example(client_for, team):
    client = client_for("admin")
    metric = kpi_of(team).metric
    client.post(reverse("teams:api-keys", args=[team.slug]), {"name": "sheet", "scopes": ["read"]})
    page = html.fromstring(client.get(reverse("teams:api-keys", args=[team.slug])).content)
    key = page.get_element_by_id("new-api-key").text_content().strip()
    assert page.xpath('//button[@data-copy="new-api-key"]')
    assert page.xpath('//script[contains(@src, "copy.js")]') and not page.xpath("//script[not(@src)]")
    example = page.get_element_by_id("api-example").text_content()
    assert f"Api-Key {key}" in example
    assert f"/api/v1/teams/{team.slug}/metrics/{metric.key}/datapoints/" in example


def test_the_api_guide_uses_metrics_the_demo_team_has():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    demo_team = {key for team_slug, key, *_ in METRICS if team_slug == "acme-social"}
    used = set(re.findall(r'"metric": "([\w-]+)"', guide)) | set(re.findall(r"/metrics/([\w-]+)/datapoints/", guide))
    assert used and used <= demo_team
    assert "acme-social" in guide
