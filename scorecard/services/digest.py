"""The daily digest: each KPI owner hears about KPIs that turned red or went stale, and overdue actions.

Each change is reported once: the KPI remembers what the digest last saw (`alert_status`,
`alert_stale`), an action the due date it was reported as overdue for. People who switched the
digest off are skipped, but what they would have heard is still marked as seen, so switching it
back on does not flood them with old news.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.oauth.services import channel_notices_due, channel_notices_told
from teams.access import ancestor_ids
from teams.models import Membership, Role, Team
from teams.selectors import users_of_team

from ..evaluation import KpiResult, current_period, evaluate_scorecards, team_today
from ..models import KPI, Action, NotificationPreference, Scorecard
from ..periods import Period
from ..scoring import RED
from ..selectors import overdue_actions

User = get_user_model()


@dataclass
class Digest:
    red: list[KpiResult] = field(default_factory=list)
    stale: list[KpiResult] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)  # for team admins: connections lapsing, metrics removed

    def __bool__(self) -> bool:
        return bool(self.red or self.stale or self.overdue or self.channels)


def _collect_kpis(digests: dict[int, Digest], now: datetime) -> list[KPI]:
    changed: list[KPI] = []
    # Scored in batches, one per current period (not one scorecard at a time): the query count
    # follows the number of distinct periods, not the number of scorecards.
    by_period: dict[Period, list[Scorecard]] = defaultdict(list)
    for scorecard in Scorecard.objects.select_related("team"):
        by_period[current_period(scorecard, now)].append(scorecard)
    items = (
        item
        for period, scorecards in by_period.items()
        for per_scorecard in evaluate_scorecards(scorecards=scorecards, periods=[period], now=now).values()
        for scores in per_scorecard
        for perspective in scores.perspectives
        for item in perspective.kpis
    )
    for item in items:
        kpi = item.kpi
        if kpi.owner_id is not None:
            if item.status == RED and kpi.alert_status != RED:
                digests[kpi.owner_id].red.append(item)
            if item.stale and not kpi.alert_stale:
                digests[kpi.owner_id].stale.append(item)
        if kpi.alert_status != item.status or kpi.alert_stale != item.stale:
            kpi.alert_status, kpi.alert_stale = item.status, item.stale
            changed.append(kpi)
    return changed


def _collect_actions(digests: dict[int, Digest], now: datetime) -> list[Action]:
    changed: list[Action] = []
    # Overdue in the team's own time zone; the query takes the widest date, Python the exact one.
    for action in overdue_actions(today=now.date() + timedelta(days=1)):
        assert action.due_date is not None and action.owner_id is not None  # noqa: S101 - filtered above
        if action.due_date >= team_today(action.perspective.scorecard.team.timezone, now):
            continue
        if action.overdue_notified_for != action.due_date:
            digests[action.owner_id].overdue.append(action)
            action.overdue_notified_for = action.due_date
            changed.append(action)
    return changed


def _keep_what_owners_can_open(digests: dict[int, Digest]) -> None:
    """An owner who has left a team hears no more about it: the mail would name its KPIs and link to a 404."""
    superusers = set(User.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
    readers: dict[int, set[int]] = {}

    def can_open(user_id: int, team: Team) -> bool:
        if team.pk not in readers:
            readers[team.pk] = set(users_of_team(team=team).values_list("pk", flat=True)) | superusers
        return user_id in readers[team.pk]

    for user_id, digest in digests.items():
        digest.red = [item for item in digest.red if can_open(user_id, item.kpi.perspective.scorecard.team)]
        digest.stale = [item for item in digest.stale if can_open(user_id, item.kpi.perspective.scorecard.team)]
        digest.overdue = [action for action in digest.overdue if can_open(user_id, action.perspective.scorecard.team)]


def _collect_channel_notices(digests: dict[int, Digest], now: datetime) -> list[tuple[Any, str, str]]:
    notices = channel_notices_due(now=now)
    for channel, _key, text in notices:
        admins = Membership.objects.filter(team_id__in=ancestor_ids(channel.team), role=Role.ADMIN)
        for user_id in admins.values_list("user_id", flat=True).distinct():
            digests[user_id].channels.append(text)
    return notices


def digest_send(*, now: datetime | None = None) -> int:
    """Send today's digests; returns how many e-mails went out."""
    now = now or timezone.now()
    digests: dict[int, Digest] = defaultdict(Digest)
    changed_kpis = _collect_kpis(digests, now)
    changed_actions = _collect_actions(digests, now)
    _keep_what_owners_can_open(digests)
    notices = _collect_channel_notices(digests, now)
    opted_out = set(NotificationPreference.objects.filter(daily_digest=False).values_list("user_id", flat=True))
    sent = 0
    for user in User.objects.filter(pk__in=[pk for pk, digest in digests.items() if digest]).exclude(email=""):
        if user.pk in opted_out:
            continue
        context = {"user": user, "digest": digests[user.pk], "base_url": settings.SCORECARD_BASE_URL.rstrip("/")}
        send_mail(
            subject=_("Scorecard: your KPIs and actions that need attention"),
            message=render_to_string("scorecard/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        sent += 1
    # Marked as seen after sending: a crash before this line sends again rather than never.
    KPI.objects.bulk_update(changed_kpis, ["alert_status", "alert_stale"])
    Action.objects.bulk_update(changed_actions, ["overdue_notified_for"])
    channel_notices_told(notices=notices)
    return sent


def notification_preference_set(*, user: Any, daily_digest: bool) -> NotificationPreference:
    """Store the choice; a row is only written when it differs from the current one (the default without a row)."""
    preference = NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
    if preference.daily_digest != daily_digest:
        preference.daily_digest = daily_digest
        preference.save()
    return preference
