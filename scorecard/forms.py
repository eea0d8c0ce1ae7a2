"""Web forms. They check shapes; the domain rules live in the services, whose errors the views
attach to the named field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from metrics.models import Metric
from strategy.models import StrategyMap, SuccessFactor
from strategy.perspectives import PERSPECTIVES
from teams.models import Role, Team
from teams.number_fields import EMPTY_CHOICE, LocalizedFloatField, number_formfield
from teams.selectors import users_of_team

from .library import library_of
from .models import KPI, Action, Aggregation, NotificationPreference, Perspective, Scorecard, Target

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


OWNER_NOT_A_MEMBER = _("Choose a member of this team or of a team above it.")


def offer_team_members_as_owners(form: forms.BaseForm, team: Team) -> None:
    """The owner field lists the team's members only, and refuses anyone else with a clear message."""
    field = form.fields["owner"]
    field.queryset = users_of_team(team=team)  # type: ignore[attr-defined]
    field.error_messages["invalid_choice"] = OWNER_NOT_A_MEMBER


class ScorecardCreateForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        formfield_callback = number_formfield
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
        formfield_callback = number_formfield
        fields = ["name", "question", "order", "weight"]


KPI_AGGREGATIONS = list(Aggregation.choices)


class KpiForm(forms.ModelForm):
    class Meta:
        model = KPI
        formfield_callback = number_formfield
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
            "scoring_type": _(
                "How a period's value becomes a score from 0 to 10: against a goal and a red flag, within a band "
                "(stabilize), against a goal only, as yes or no, or not at all (shown, not counted)."
            ),
            "weight": _("The KPI's share in its perspective's score, relative to the other KPIs there (1 = equal)."),
            "baseline": _("Where the KPI started; linear scoring counts from here to the goal."),
        }

    def __init__(self, *args: Any, scorecard: Scorecard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = scorecard.team
        self.fields["perspective"].queryset = scorecard.perspectives.all()  # type: ignore[attr-defined]
        metric = self.fields["metric"]
        metric.queryset = Metric.objects.filter(team=team).select_related("channel")  # type: ignore[attr-defined]
        metric.label_from_instance = metric_choice_label  # type: ignore[attr-defined]
        factors = SuccessFactor.objects.filter(objective__strategy_map=scorecard.strategy_map)
        self.fields["success_factor"].queryset = factors  # type: ignore[attr-defined]
        self.fields["success_factor"].choices = success_factors_by_objective(factors)  # type: ignore[attr-defined]
        owner = self.fields["owner"]
        owners = users_of_team(team=team, roles=(Role.EDITOR, Role.ADMIN))
        if self.instance.owner_id:  # an owner chosen before keeps the KPI until someone picks another
            owners = owners | users_of_team(team=team).filter(pk=self.instance.owner_id)
        owner.queryset = owners  # type: ignore[attr-defined]
        owner.error_messages["invalid_choice"] = _("Choose an editor or admin of this team or of a team above it.")
        if self.instance.pk is None:  # a new KPI: the aggregation follows its source unless chosen
            aggregation: Any = self.fields["aggregation"]
            aggregation.required = False
            aggregation.choices = [("", _("Automatic: last for values entered by hand, else sum")), *KPI_AGGREGATIONS]
            self.initial["aggregation"] = ""


def metric_choice_label(metric: Metric) -> str:
    """Metrics of the same name on two channels read apart: "Followers (ig-followers) · Instagram"."""
    label = f"{metric.name} ({metric.key})"
    return f"{label} · {metric.channel.name}" if metric.channel else label


def success_factors_by_objective(factors: Any) -> list[tuple[Any, Any]]:
    """The choices of a success factor, grouped under their objective (an <optgroup> each)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for factor in factors.select_related("objective").order_by("objective__order", "objective_id", "order", "pk"):
        groups.setdefault(factor.objective.title, []).append((factor.pk, factor.title))
    return [("", EMPTY_CHOICE), *groups.items()]


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        formfield_callback = number_formfield
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
        formfield_callback = number_formfield
        fields = [
            "perspective",
            "kpi",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "progress",
            "completed_on",
        ]
        widgets = {
            "due_date": DATE_INPUT,
            "completed_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"completed_on": _("For a done action; left empty, today is filled in when it is saved as done.")}

    def __init__(self, *args: Any, scorecard: Scorecard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["perspective"].queryset = scorecard.perspectives.all()  # type: ignore[attr-defined]
        self.fields["kpi"].queryset = KPI.objects.filter(perspective__scorecard=scorecard)  # type: ignore[attr-defined]
        offer_team_members_as_owners(self, scorecard.team)


class ValueEntryForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    value = LocalizedFloatField(label=_("Value"))


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["daily_digest"]


class ScorecardFromLibraryForm(ScorecardCreateForm):
    """A new scorecard plus, per perspective, the library KPIs to start with (field `kpis_<perspective>`)."""

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, team=team, **kwargs)
        for key, name, _question in PERSPECTIVES:
            self.fields[f"kpis_{key}"] = forms.MultipleChoiceField(
                label=_(name),  # a gettext_noop source string, translated here
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(item.key, item.name) for item in library_of(key)],
            )

    def kpi_keys(self) -> list[str]:
        return [key for name, keys in self.cleaned_data.items() if name.startswith("kpis_") for key in keys]


class WorkbookUploadForm(forms.Form):
    strategy_map = forms.ModelChoiceField(
        label=_("Strategy map"), queryset=StrategyMap.objects.none(), help_text=_("The new scorecard builds on it.")
    )
    workbook = forms.FileField(label=_("Workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy_map"].queryset = StrategyMap.objects.filter(team=team)  # type: ignore[attr-defined]
