"""Querysets of one team's scorecard objects: every view and endpoint fetches through these."""

from datetime import date

from django.db.models import QuerySet

from teams.models import Team

from ..models import KPI, Action, Perspective, Scorecard, Target


def scorecards_of_team(team: Team) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(team=team).select_related("team", "strategy_map")


def perspectives_of_team(team: Team) -> QuerySet[Perspective]:
    return Perspective.objects.filter(scorecard__team=team).select_related("scorecard__team")


def kpis_of_team(team: Team) -> QuerySet[KPI]:
    return KPI.objects.filter(perspective__scorecard__team=team).select_related(
        "perspective__scorecard__team", "perspective__scorecard__strategy_map", "metric", "owner", "success_factor"
    )


def targets_of_team(team: Team) -> QuerySet[Target]:
    return Target.objects.filter(kpi__perspective__scorecard__team=team).select_related(
        "kpi__perspective__scorecard__team"
    )


def actions_of_team(team: Team) -> QuerySet[Action]:
    return Action.objects.filter(perspective__scorecard__team=team).select_related(
        "perspective__scorecard__team", "kpi", "owner"
    )


def overdue_actions(*, today: date) -> QuerySet[Action]:
    """Open actions whose due date has passed, with an owner to tell."""
    return Action.objects.filter(
        due_date__lt=today,
        owner__isnull=False,
        status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS],
    ).select_related("perspective__scorecard__team", "kpi", "owner")
