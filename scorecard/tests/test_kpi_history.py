"""The KPI page has a History section: who changed the KPI and its targets, and when."""

import pytest
from django.urls import reverse

from scorecard import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi(perspective):
    return services.kpi_create(perspective=perspective, name="Leads")


def test_a_target_added_by_an_editor_shows_in_the_kpi_history(client_for, team, kpi):
    client = client_for("editor")
    response = client.post(
        reverse("scorecard:target-create", args=[team.slug, kpi.pk]),
        {"period_start": "2027-01-01", "period_end": "2027-12-31", "goal": "120", "red_flag": "80", "pacing": "none"},
    )
    assert response.status_code == 302
    page = client_for("viewer").get(reverse("scorecard:kpi-detail", args=[team.slug, kpi.pk]))
    history = page.content.decode().split('id="history-heading"')[1]
    assert "editor" in history
    assert "120" in history


def test_kpi_history_is_not_shown_to_another_team(client_for, team, kpi):
    assert client_for("outsider").get(reverse("scorecard:kpi-detail", args=[team.slug, kpi.pk])).status_code == 404


def test_the_history_lists_what_a_user_set_not_ids_relations_or_digest_bookkeeping(kpi):
    from teams.history import history_of

    created = history_of(kpi)[-1]
    fields = {change.field.lower() for change in created.changes}
    assert "name" in fields
    assert not fields & {"id", "targets", "actions", "alert status", "alert stale"}, fields
