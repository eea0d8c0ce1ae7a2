"""The daily digest tells KPI owners once about red and stale KPIs and overdue actions."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from scorecard import services
from scorecard.models import NotificationPreference
from scorecard.services.digest import digest_send
from scorecard.tasks import send_daily_digest
from teams.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(scorecard, perspective, make_metric, put_points, users):
    today = timezone.localdate()
    leads = services.kpi_create(
        perspective=perspective, name="Leads", metric=make_metric("leads"), owner=users["editor"]
    )
    services.target_create(
        kpi=leads,
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year + 1, 12, 31),
        goal=1000,
        red_flag=500,
    )  # 1 lead is red on any day of the month, also judged on pace (day 1 of 31: goal 32, red flag 16)
    put_points(leads.metric, [(timezone.now() - timedelta(minutes=5), 1.0)])
    quiet = services.kpi_create(
        perspective=perspective, name="Quiet metric", metric=make_metric("quiet"), owner=users["editor"]
    )
    action = services.action_create(
        perspective=perspective, title="Reply within an hour", owner=users["editor"], due_date=today - timedelta(days=3)
    )
    return {"leads": leads, "quiet": quiet, "action": action}


def test_owner_gets_one_digest_and_is_not_told_twice(owned, users):
    assert send_daily_digest.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [users["editor"].email]
    assert "KPIs that turned red" in message.body and "Leads" in message.body
    assert "KPIs without recent data" in message.body and "Quiet metric" in message.body
    assert "Reply within an hour" in message.body
    assert owned["leads"].get_absolute_url() in message.body

    assert digest_send() == 0
    assert len(mail.outbox) == 1


def test_an_owner_who_left_the_team_hears_nothing_more_about_it(owned, users, team):
    Membership.objects.filter(user=users["editor"], team=team).delete()
    assert digest_send() == 0
    assert mail.outbox == []


def test_a_new_due_date_that_passes_is_reported_again(owned):
    digest_send()
    services.action_update(action=owned["action"], due_date=timezone.localdate() - timedelta(days=1))
    assert digest_send() == 1
    assert "Reply within an hour" in mail.outbox[-1].body
    assert "Leads" not in mail.outbox[-1].body


def test_people_who_switched_it_off_get_nothing(owned, client_for, users):
    response = client_for("editor").post(reverse("scorecard:profile"), {})  # unticked box: off
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=users["editor"]).daily_digest is False
    assert digest_send() == 0
    assert mail.outbox == []
    # what they would have heard is marked as seen: switching back on brings no old news
    client_for("editor").post(reverse("scorecard:profile"), {"daily_digest": "on"})
    assert digest_send() == 0


def test_the_profile_page_shows_the_choice(client_for):
    page = client_for("viewer").get(reverse("scorecard:profile"))
    assert page.status_code == 200
    assert page.context["form"]["daily_digest"].value() is True


def test_beat_runs_the_digest_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["scorecard-daily-digest"]
    assert entry["task"] == send_daily_digest.name


def test_the_digest_does_not_query_more_for_more_scorecards(
    owned, team, strategy_map, users, django_assert_max_num_queries
):
    mail.outbox.clear()
    with django_assert_max_num_queries(100) as one_scorecard:
        digest_send()
    for n in range(5):
        card = services.scorecard_create(team=team, strategy_map=strategy_map, title=f"Card {n}", frequency="month")
        services.kpi_create(perspective=card.perspectives.first(), name=f"KPI {n}", owner=users["editor"])
    with django_assert_max_num_queries(len(one_scorecard)):
        digest_send()
