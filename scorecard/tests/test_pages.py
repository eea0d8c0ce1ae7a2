"""The scorecard page lists perspectives with their KPIs, scores and colours for a period."""

from datetime import date

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_kpi(perspective, make_metric, put_points):
    kpi = services.kpi_create(perspective=perspective, name="Response time", metric=make_metric("hours"))
    services.kpi_update(kpi=kpi, aggregation="avg", unit="h")
    services.target_create(kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=2, red_flag=6)
    put_points(kpi.metric, [(local(2027, 3, 3), 9.0)])
    return kpi


def test_the_page_shows_scores_and_colours_with_words_for_the_period(client_for, scorecard, red_kpi):
    page = client_for("viewer").get(scorecard.get_absolute_url() + "?period=2027-03")
    html = page.content.decode()
    assert page.context["period"].label == "2027-03"
    assert "Response time" in html and "<strong>9</strong> h" in html
    assert "bi-x-circle-fill" in html and "text-danger-emphasis" in html  # the red badge, with its words:
    assert "Red flag</span>" in html
    assert "How do we reach customers" in html
    assert 'href="?period=2027-02"' in html and 'href="?period=2027-04"' in html
    assert reverse("scorecard:kpi-create", args=["social", red_kpi.perspective_id]) not in html  # viewers read only


def test_editors_see_the_edit_buttons(client_for, scorecard, red_kpi):
    html = client_for("editor").get(scorecard.get_absolute_url()).content.decode()
    assert reverse("scorecard:kpi-create", args=["social", red_kpi.perspective_id]) in html
    assert reverse("scorecard:perspective-edit", args=["social", red_kpi.perspective_id]) in html


def test_a_bad_period_shows_a_message_and_the_current_period(client_for, scorecard):
    page = client_for("viewer").get(scorecard.get_absolute_url() + "?period=2027-Q5", follow=True)
    assert page.status_code == 200
    assert "a quarter runs from Q1 to Q4" in page.content.decode()


def test_editor_renames_and_reweights_a_perspective(client_for, perspective):
    url = reverse("scorecard:perspective-edit", args=["social", perspective.pk])
    client_for("editor").post(url, {"name": "Fans", "question": "Who loves us?", "order": 5, "weight": 2.5})
    perspective.refresh_from_db()
    assert (perspective.label, perspective.order, perspective.weight) == ("Fans", 5, 2.5)


def test_saving_a_perspective_unchanged_keeps_it_translatable(client_for, perspective):
    url = reverse("scorecard:perspective-edit", args=["social", perspective.pk])
    form = client_for("editor").get(url).context["form"]
    data = {name: form[name].value() for name in ("name", "question", "order", "weight")}
    client_for("editor").post(url, data | {"weight": 3})
    perspective.refresh_from_db()
    assert perspective.name == "Customer" and perspective.weight == 3


def test_the_kpi_page_shows_the_last_twelve_periods(client_for, red_kpi):
    page = client_for("viewer").get(red_kpi.get_absolute_url())
    assert page.status_code == 200
    assert len(page.context["series"]) == 12


def test_scorecard_list_links_to_each_scorecard(client_for, scorecard):
    html = client_for("viewer").get(reverse("scorecard:scorecard-list", args=["social"])).content.decode()
    assert scorecard.get_absolute_url() in html
