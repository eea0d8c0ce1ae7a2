from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from teams.models import Team

from .perspectives import PERSPECTIVES


class StrategyMap(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="strategy_maps")
    title = models.CharField(_("title"), max_length=200)
    mission = models.TextField(_("social media mission"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("strategy map")
        verbose_name_plural = _("strategy maps")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="strategymap_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:map-detail", args=[self.team.slug, self.pk])


class Objective(models.Model):
    # Lazily translated labels of the four perspectives (perspectives.py marks the source strings).
    PERSPECTIVE_CHOICES = [(key, _(name)) for key, name, _question in PERSPECTIVES]

    strategy_map = models.ForeignKey(
        StrategyMap, verbose_name=_("strategy map"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # None: not placed yet (objectives made before perspectives existed stay so until someone places them);
    # null rather than "" so the API says null for "not placed", like every other absent value.
    perspective = models.CharField(  # noqa: DJ001
        _("perspective"), max_length=20, choices=PERSPECTIVE_CHOICES, null=True, blank=True, default=None
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title


class SuccessFactor(models.Model):
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="success_factors"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("success factor")
        verbose_name_plural = _("success factors")

    def __str__(self) -> str:
        return self.title


class ObjectiveLink(models.Model):
    """Cause and effect: reaching `cause` helps reach `effect` (same map, no cycles)."""

    cause = models.ForeignKey(Objective, verbose_name=_("cause"), on_delete=models.CASCADE, related_name="effect_links")
    effect = models.ForeignKey(
        Objective, verbose_name=_("effect"), on_delete=models.CASCADE, related_name="cause_links"
    )

    class Meta:
        verbose_name = _("cause-effect link")
        verbose_name_plural = _("cause-effect links")
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="objectivelink_unique"),
            models.CheckConstraint(condition=~models.Q(cause=models.F("effect")), name="objectivelink_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.cause} → {self.effect}"
