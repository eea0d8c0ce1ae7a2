from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from metrics.models import Metric
from strategy.models import StrategyMap, SuccessFactor
from strategy.perspectives import PERSPECTIVES
from teams.models import Team


class Frequency(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Scorecard(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="scorecards")
    strategy_map = models.ForeignKey(
        StrategyMap, verbose_name=_("strategy map"), on_delete=models.PROTECT, related_name="scorecards"
    )
    title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(
        _("reporting frequency"),
        max_length=10,
        choices=[c for c in Frequency.choices if c[0] != Frequency.WEEK],
        default=Frequency.MONTH,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scorecard:scorecard-detail", args=[self.team.slug, self.pk])


class PerspectiveKey(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ORGANISATION = "organisation", _("Organisation")
    SOCIAL_MEDIA = "social_media", _("Social media")
    FINANCIAL = "financial", _("Financial")


# English source strings of the four perspectives (DESIGN.md section 1). They are stored in
# English and translated at display time while unchanged, so a team whose members use
# different languages sees each one in their own; a renamed perspective is shown as typed.
PERSPECTIVE_DEFAULTS: dict[str, tuple[str, str]] = {key: (name, question) for key, name, question in PERSPECTIVES}


class Perspective(models.Model):
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="perspectives"
    )
    key = models.CharField(_("key"), max_length=20, choices=PerspectiveKey.choices)
    name = models.CharField(_("name"), max_length=100)
    question = models.CharField(_("guiding question"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        constraints = [models.UniqueConstraint(fields=["scorecard", "key"], name="perspective_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language while it is the default one."""
        default_name = PERSPECTIVE_DEFAULTS.get(self.key, ("", ""))[0]
        return gettext(self.name) if self.name == default_name else self.name

    @property
    def guiding_question(self) -> str:
        default_question = PERSPECTIVE_DEFAULTS.get(self.key, ("", ""))[1]
        return gettext(self.question) if self.question == default_question else self.question


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVG = "avg", _("Average")
    LAST = "last", _("Last value")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    COUNT = "count", _("Count")


class ScoringType(models.TextChoices):
    GOAL_RED_FLAG = "goal_red_flag", _("Goal and red flag")
    STABILIZE = "stabilize", _("Stabilize within a band")
    GOAL_ONLY = "goal_only", _("Goal only")
    YES_NO = "yes_no", _("Yes / no")
    UNSCORED = "unscored", _("Not scored")


class KPI(models.Model):
    perspective = models.ForeignKey(
        Perspective, verbose_name=_("perspective"), on_delete=models.CASCADE, related_name="kpis"
    )
    success_factor = models.ForeignKey(
        SuccessFactor,
        verbose_name=_("success factor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0, validators=[MaxValueValidator(6)])
    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), null=True, blank=True, on_delete=models.PROTECT, related_name="kpis"
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    formula = models.TextField(
        _("formula"), blank=True, help_text=_("Instead of a metric, e.g. 100 * sum(engagements) / sum(impressions)")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTH)
    scoring_type = models.CharField(
        _("scoring"), max_length=20, choices=ScoringType.choices, default=ScoringType.GOAL_RED_FLAG
    )
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
    )
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # What the daily digest last told the owner, so it reports changes ("turned red") only once.
    alert_status = models.CharField(max_length=10, blank=True, editable=False)
    alert_stale = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecard:kpi-detail", args=[self.perspective.scorecard.team.slug, self.pk])


class Target(models.Model):
    class Pacing(models.TextChoices):
        NONE = "none", _("None")
        LINEAR = "linear", _("Linear from the baseline")

    kpi = models.ForeignKey(KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    goal = models.FloatField(_("goal"))
    red_flag = models.FloatField(_("red flag"), null=True, blank=True)
    goal_high = models.FloatField(_("goal (upper edge)"), null=True, blank=True)
    red_flag_high = models.FloatField(_("red flag (upper edge)"), null=True, blank=True)
    pacing = models.CharField(_("pacing"), max_length=10, choices=Pacing.choices, default=Pacing.NONE)

    class Meta:
        ordering = ["kpi", "period_start"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="target_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.goal} ({self.period_start} – {self.period_end})"


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("action status", "Done")
        CANCELLED = "cancelled", _("Cancelled")

    perspective = models.ForeignKey(
        Perspective, verbose_name=_("perspective"), on_delete=models.CASCADE, related_name="actions"
    )
    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The day it was done: marked on its KPI's chart, and the action page compares the KPI before and after.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The due date the digest last reported as overdue (reported again only when it changes).
    overdue_notified_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="action_progress_max_100")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice about the daily digest e-mail (on unless switched off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecard_notifications"
    )
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=True,
        help_text=_("An e-mail about your KPIs that turned red or went stale, and your overdue actions."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.daily_digest else 'off'}"
