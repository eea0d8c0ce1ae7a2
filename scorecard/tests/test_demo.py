"""The demo gives Acme Social Media a living scorecard; seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from metrics.models import DataPoint
from scorecard.evaluation import current_period
from scorecard.evaluation import evaluate_scorecard as scorecard_scores
from scorecard.models import KPI, Action, Scorecard, Target

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Scorecard, KPI, Target, Action, DataPoint)]


def test_seed_demo_builds_a_scorecard_showing_every_colour_and_is_idempotent():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    scorecard = Scorecard.objects.get(team__slug="acme-social")
    assert scorecard.perspectives.count() == 4
    assert KPI.objects.filter(perspective__scorecard=scorecard).count() == 12
    assert Action.objects.filter(perspective__scorecard=scorecard).count() == 8
    assert KPI.objects.filter(perspective__scorecard=scorecard, formula="").exclude(metric=None).count() == 10

    scores = scorecard_scores(scorecard=scorecard, period=current_period(scorecard))
    statuses = {item.kpi.name: item.status for p in scores.perspectives for item in p.kpis}
    assert set(statuses.values()) >= {"green", "amber", "red", "grey"}
    assert statuses["Followers"] == "green"
    assert statuses["Response time"] == "red"
    assert statuses["Revenue from social"] == "grey"
    assert scores.score is not None
    assert all(p.kpis for p in scores.perspectives)


def test_the_demo_scorecard_page_shows_every_status_in_words(client):
    from django.contrib.auth import get_user_model

    call_command("seed_demo")
    client.force_login(get_user_model().objects.get(username="marketer"))
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    html = client.get(scorecard.get_absolute_url()).content.decode()
    for badge in ("text-success-emphasis", "text-warning-emphasis", "text-danger-emphasis", "No score"):
        assert badge in html
    kpi = KPI.objects.get(perspective__scorecard=scorecard, name="Revenue from social")
    page = client.get(kpi.get_absolute_url())
    assert "Enter a value" in page.content.decode()  # revenue is typed in by hand


def test_demo_kpis_measure_success_factors_of_the_strategy_map():
    call_command("seed_demo")
    kpis = KPI.objects.filter(perspective__scorecard__team__slug="acme-social")
    assert kpis.count() == 12
    assert all(
        k.success_factor and k.success_factor.objective.strategy_map_id == k.perspective.scorecard.strategy_map_id
        for k in kpis
    )
