"""Scorecards and their four fixed perspectives."""

from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from strategy.models import StrategyMap
from teams.errors import ApplicationError
from teams.models import Team

from ..models import PERSPECTIVE_DEFAULTS, Frequency, Perspective, PerspectiveKey, Scorecard

SCORECARD_FREQUENCIES = {Frequency.MONTH, Frequency.QUARTER, Frequency.YEAR}


def _clean_scorecard(*, team: Team, strategy_map: StrategyMap, title: str, frequency: str) -> str:
    if strategy_map.team_id != team.pk:
        raise ApplicationError(_("Choose a strategy map of this team."), field="strategy_map")
    title = title.strip()
    if not title:
        raise ApplicationError(_("Give the scorecard a title."), field="title")
    if frequency not in SCORECARD_FREQUENCIES:
        raise ApplicationError(_("Report per month, quarter or year."), field="frequency")
    return title


@transaction.atomic
def scorecard_create(*, team: Team, strategy_map: StrategyMap, title: str, frequency: str) -> Scorecard:
    """A scorecard with the four perspectives of the Social Media Scorecard, in their usual order.

    Names and guiding questions are stored as the English source strings and translated when
    shown (see `Perspective.label`), so each reader sees them in their own language until a
    team renames them.
    """
    title = _clean_scorecard(team=team, strategy_map=strategy_map, title=title, frequency=frequency)
    scorecard = Scorecard.objects.create(team=team, strategy_map=strategy_map, title=title, frequency=frequency)
    for order, key in enumerate(PerspectiveKey.values):  # one save each, so the audit trail records them
        name, question = PERSPECTIVE_DEFAULTS[key]
        Perspective.objects.create(scorecard=scorecard, key=key, name=name, question=question, order=order, weight=1.0)
    return scorecard


@transaction.atomic
def scorecard_update(*, scorecard: Scorecard, title: str, frequency: str) -> Scorecard:
    scorecard.title = _clean_scorecard(
        team=scorecard.team, strategy_map=scorecard.strategy_map, title=title, frequency=frequency
    )
    scorecard.frequency = frequency
    scorecard.save(update_fields=["title", "frequency"])
    return scorecard


@transaction.atomic
def scorecard_delete(*, scorecard: Scorecard) -> None:
    try:
        scorecard.delete()
    except ProtectedError:
        raise ApplicationError(_("This scorecard is still in use and cannot be deleted.")) from None


@transaction.atomic
def perspective_update(*, perspective: Perspective, name: str, question: str, order: int, weight: float) -> Perspective:
    """Rename, re-order or re-weight one of the four perspectives."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the perspective a name."), field="name")
    if weight is None or weight < 0 or weight != weight:
        raise ApplicationError(_("The weight must be zero or more."), field="weight")
    if order is None or order < 0:
        raise ApplicationError(_("The order must be zero or more."), field="order")
    # A default name or question saved in the reader's language stays the translatable source.
    default_name, default_question = PERSPECTIVE_DEFAULTS.get(perspective.key, ("", ""))
    question = question.strip()
    name = default_name if default_name and name == gettext(default_name) else name
    question = default_question if default_question and question == gettext(default_question) else question
    perspective.name, perspective.question = name, question
    perspective.order, perspective.weight = order, float(weight)
    perspective.save(update_fields=["name", "question", "order", "weight"])
    return perspective
