"""axe-core on every scorecard page and form, and statuses that never rely on colour alone."""

import re

import pytest
from playwright.sync_api import expect

from scorecard.models import KPI, Action, Scorecard, Target

pytestmark = pytest.mark.browser

STATUS_WORDS = re.compile(r"On target|Below goal|Red flag|No score|On pace|Slightly behind pace|Behind pace")


def test_every_scorecard_page_and_form_has_no_serious_accessibility_problems(demo, signed_in_page, axe_check):
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    kpi = KPI.objects.select_related("perspective").get(perspective__scorecard=scorecard, name="Response time")
    target = Target.objects.filter(kpi=kpi).first()
    action = Action.objects.filter(perspective__scorecard=scorecard).first()
    assert target is not None and action is not None
    team = "/t/acme-social"
    page = signed_in_page("marketer")

    problems = axe_check.sweep(
        page,
        [
            f"{team}/scorecards/",
            f"{team}/scorecards/{scorecard.pk}/",
            f"{team}/kpis/{kpi.pk}/",
            f"{team}/scorecards/new/",
            f"{team}/scorecards/{scorecard.pk}/edit/",
            f"{team}/scorecards/{scorecard.pk}/delete/",
            f"{team}/perspectives/{kpi.perspective_id}/edit/",
            f"{team}/perspectives/{kpi.perspective_id}/kpis/new/",
            f"{team}/kpis/{kpi.pk}/edit/",
            f"{team}/kpis/{kpi.pk}/delete/",
            f"{team}/kpis/{kpi.pk}/targets/new/",
            f"{team}/targets/{target.pk}/edit/",
            f"{team}/targets/{target.pk}/delete/",
            f"{team}/scorecards/{scorecard.pk}/actions/new/",
            f"{team}/actions/{action.pk}/edit/",
            f"{team}/actions/{action.pk}/delete/",
            "/profile/",
            "/portfolio/",
            f"{team}/scorecards/{scorecard.pk}/perspectives/{kpi.perspective.key}/",
            f"{team}/scorecards/{scorecard.pk}/report/",
        ],
    )

    assert not problems, f"axe found {len(problems)} problem(s):\n" + "\n".join(problems)


def test_forms_that_show_errors_stay_accessible(demo, signed_in_page, axe_check):
    kpi = KPI.objects.get(perspective__scorecard__team__slug="acme-social", name="Response time")
    page = signed_in_page("marketer")

    page.goto(f"/t/acme-social/kpis/{kpi.pk}/targets/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    problems = axe_check.problems(page)

    page.goto(f"/t/acme-social/perspectives/{kpi.perspective_id}/kpis/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    problems += axe_check.problems(page)

    assert not problems, "\n".join(problems)


def test_statuses_are_words_and_icons_not_only_colours(demo, signed_in_page):
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    kpi = KPI.objects.get(perspective__scorecard=scorecard, name="Response time")
    page = signed_in_page("manager")

    page.goto(scorecard.get_absolute_url())
    # Once a period has ended, or (the current month) while it runs, judged on pace.
    for words in ["On target|On pace", "Below goal|Slightly behind pace", "Red flag|Behind pace", "No score"]:
        expect(page.get_by_role("main").get_by_text(re.compile(rf"^\s*({words})\s*$")).first).to_be_visible()
    _every_coloured_badge_has_words(page)

    page.goto(f"/t/acme-social/kpis/{kpi.pk}/")
    expect(page.get_by_role("main").get_by_text(re.compile(r"^\s*(Red flag|Behind pace)\s*$")).first).to_be_visible()
    _every_coloured_badge_has_words(page)


def _every_coloured_badge_has_words(page) -> None:
    badges = page.locator("main .badge")
    assert badges.count() > 0
    for text in badges.all_inner_texts():
        assert text.strip(), "a badge without words"
    statuses = [text.strip() for text in badges.all_inner_texts() if STATUS_WORDS.search(text)]
    assert statuses, "no status badge on the page"
