"""Web forms. They check shapes; the domain rules live in the services, whose errors the views
attach to the named field."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.models import Metric
from strategy.models import StrategyMap, SuccessFactor
from teams.access import ancestor_ids
from teams.models import Team

from .models import KPI, Action, Aggregation, NotificationPreference, Perspective, Scorecard, Target

User = get_user_model()
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def team_members(team: Team) -> Any:
    """Users who can see the team (members of it or of a team above it)."""
    return User.objects.filter(Q(memberships__team_id__in=ancestor_ids(team)) | Q(is_superuser=True)).distinct()


class ScorecardCreateForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ["strategy_map", "title", "frequency"]

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy_map"].queryset = StrategyMap.objects.filter(team=team)  # type: ignore[attr-defined]


class ScorecardEditForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ["title", "frequency"]


class PerspectiveForm(forms.ModelForm):
    class Meta:
        model = Perspective
        fields = ["name", "question", "order", "weight"]


KPI_AGGREGATIONS = list(Aggregation.choices)


class KpiForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = [
            "perspective",
            "name",
            "description",
            "success_factor",
            "metric",
            "aggregation",
            "formula",
            "unit",
            "decimals",
            "frequency",
            "scoring_type",
            "weight",
            "baseline",
            "owner",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "formula": forms.TextInput()}
        help_texts = {
            "metric": _("Leave both metric and formula empty to enter values by hand on the KPI page."),
        }

    def __init__(self, *args: Any, scorecard: Scorecard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = scorecard.team
        self.fields["perspective"].queryset = scorecard.perspectives.all()  # type: ignore[attr-defined]
        self.fields["metric"].queryset = Metric.objects.filter(team=team)  # type: ignore[attr-defined]
        self.fields["success_factor"].queryset = SuccessFactor.objects.filter(  # type: ignore[attr-defined]
            objective__strategy_map=scorecard.strategy_map
        )
        self.fields["owner"].queryset = team_members(team)  # type: ignore[attr-defined]
        if self.instance.pk is None:  # a new KPI: the aggregation follows its source unless chosen
            aggregation: Any = self.fields["aggregation"]
            aggregation.required = False
            aggregation.choices = [("", _("Automatic: last for values entered by hand, else sum")), *KPI_AGGREGATIONS]
            self.initial["aggregation"] = ""


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["period_start", "period_end", "goal", "red_flag", "goal_high", "red_flag_high", "pacing"]
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT}
        help_texts = {
            "goal_high": _("Only for “stabilize”: the top of the band."),
            "red_flag_high": _("Only for “stabilize”: the red flag above the band."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end date must not be before the start date."))
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["perspective", "kpi", "title", "description", "owner", "due_date", "status", "progress"]
        widgets = {"due_date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, scorecard: Scorecard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["perspective"].queryset = scorecard.perspectives.all()  # type: ignore[attr-defined]
        self.fields["kpi"].queryset = KPI.objects.filter(perspective__scorecard=scorecard)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = team_members(scorecard.team)  # type: ignore[attr-defined]


class ValueEntryForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    value = forms.FloatField(label=_("Value"))


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["daily_digest"]
