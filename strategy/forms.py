"""Forms for marketers building a strategy map. Domain rules live in services; forms parse input."""

from typing import Any

from django import forms
from django.db import transaction
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from teams.number_fields import NumberInput, number_formfield

from . import services
from .models import Objective, StrategyMap, SuccessFactor
from .perspectives import MAP_ORDER, PERSPECTIVES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The four perspectives' guiding questions: the prompts a marketer answers with objectives.
PERSPECTIVE_PROMPTS = [(_(name), _(question)) for _key, name, question in PERSPECTIVES]
QUESTION_OF = {key: question for key, _name, question in PERSPECTIVES}
NEW_FACTOR_ROWS = 3  # blank success factor rows under each objective


class StrategyMapForm(forms.ModelForm):
    class Meta:
        model = StrategyMap
        fields = ["title", "mission", "vision", "period_start", "period_end", "status"]
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 3}),
            "vision": forms.Textarea(attrs={"rows": 3}),
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
        }
        help_texts = {
            "title": _("For example “Social media strategy 2027”."),
            "mission": _(
                "In one or two sentences: why does your organisation use social media, for whom, and what "
                "should it bring? Everything on the map should serve this mission."
            ),
            "vision": _("Optional: where do you want to be at the end of the period?"),
            "status": _("Only one map per team can be active for a period; archived maps stay readable."),
        }

    def _post_clean(self) -> None:
        # The service checks the domain rules; skip the model's own validation of the instance.
        pass


class StrategyMapCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the copy"), max_length=200)
    period_start = forms.DateField(label=_("Period start"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Period end"), widget=DATE_WIDGET)


class OptionalOrder(forms.ModelForm):
    """An order number that may stay empty: a new row then goes to the end, an existing one keeps its place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        if not self.instance.pk:
            self.fields["order"].initial = None  # not the model's 0, which would put it first

    def clean_order(self) -> int | None:
        order = self.cleaned_data["order"]
        return self.instance.order if order is None and self.instance.pk else order


class ObjectiveForm(OptionalOrder):
    class Meta:
        model = Objective
        fields = ["title", "perspective", "description", "order"]
        formfield_callback = number_formfield
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "order": _("Lower numbers come first; a new objective without a number goes to the end."),
            "perspective": _("The band of the map the objective sits in."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["perspective"].choices = [("", _("Not placed yet")), *Objective.PERSPECTIVE_CHOICES]  # type: ignore[attr-defined]
        perspective = str(self.initial.get("perspective") or "")
        # The guiding question of the perspective a new row is offered for: the prompt to answer.
        self.prompt = _(QUESTION_OF[perspective]) if not self.instance.pk and perspective in QUESTION_OF else ""
        self.perspective_name = dict(Objective.PERSPECTIVE_CHOICES).get(perspective, "")


class SuccessFactorForm(OptionalOrder):
    class Meta:
        model = SuccessFactor
        fields = ["title", "description", "order"]
        formfield_callback = number_formfield
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "description": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "order": NumberInput(attrs={"class": "form-control form-control-sm"}),
        }


ObjectiveFormSet = modelformset_factory(Objective, form=ObjectiveForm, extra=1, can_delete=True)
# A plain model formset (not an inline one, which filters its queryset again per objective) so the
# prefetched success factors serve every objective in one query; saving passes the objective itself.
SuccessFactorFormSet = modelformset_factory(
    SuccessFactor, form=SuccessFactorForm, extra=NEW_FACTOR_ROWS, can_delete=True
)


class ObjectivesEditor:
    """Every objective of a map with its success factors, edited and saved in one form.

    Saving goes through the services, so the same rules apply as in the API. A new objective
    gets its success factor rows once it is saved. A map without objectives offers one new row
    per perspective, top band first, each prompting with its guiding question.
    """

    def __init__(self, strategy_map: StrategyMap, data: Any = None) -> None:
        self.strategy_map = strategy_map
        queryset = strategy_map.objectives.prefetch_related("success_factors")
        self.objectives = ObjectiveFormSet(data, queryset=queryset, prefix="objectives")
        if not self.objectives.get_queryset():  # evaluated once, kept by the formset
            self.objectives.extra = len(MAP_ORDER)
            self.objectives.initial_extra = [{"perspective": key} for key in MAP_ORDER]
        self.factor_formsets: dict[int, Any] = {}
        for form in self.objectives.forms:
            objective = form.instance
            if objective.pk:
                formset = SuccessFactorFormSet(
                    data, queryset=objective.success_factors.all(), prefix=f"factors-{objective.pk}"
                )
                form.factors = formset  # type: ignore[attr-defined]  # for the template
                self.factor_formsets[objective.pk] = formset

    def is_valid(self) -> bool:
        valid = self.objectives.is_valid()
        for formset in self.factor_formsets.values():
            valid = formset.is_valid() and valid
        return valid

    @transaction.atomic
    def save(self) -> None:
        for form in self.objectives.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            data = form.cleaned_data
            if form.instance.pk and self.objectives.can_delete and data.get("DELETE"):
                services.objective_delete(objective=form.instance)
                continue
            if form.instance.pk and form.has_changed():
                services.objective_update(
                    objective=form.instance,
                    title=data["title"],
                    description=data["description"],
                    order=data["order"],
                    perspective=data["perspective"],
                )
            if form.instance.pk:
                self._save_factors(form.instance, self.factor_formsets[form.instance.pk])
            elif not data.get("DELETE"):
                services.objective_create(
                    strategy_map=self.strategy_map,
                    title=data["title"],
                    description=data["description"],
                    order=data["order"],
                    perspective=data["perspective"],
                )

    @staticmethod
    def _save_factors(objective: Objective, formset: Any) -> None:
        for form in formset.forms:
            if not form.has_changed():
                continue  # an untouched row, saved or blank, stays as it is
            data = form.cleaned_data
            if form.instance.pk and data.get("DELETE"):
                services.success_factor_delete(success_factor=form.instance)
            elif form.instance.pk:
                services.success_factor_update(
                    success_factor=form.instance,
                    title=data["title"],
                    description=data["description"],
                    order=data["order"],
                )
            elif not data.get("DELETE"):
                services.success_factor_create(
                    objective=objective, title=data["title"], description=data["description"], order=data["order"]
                )


class ObjectiveLinkForm(forms.Form):
    cause = forms.ModelChoiceField(
        label=_("Cause"), queryset=Objective.objects.none(), help_text=_("Reaching this objective…")
    )
    effect = forms.ModelChoiceField(
        label=_("Effect"), queryset=Objective.objects.none(), help_text=_("…helps to reach this objective.")
    )

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objectives = strategy_map.objectives.all()
        self.fields["cause"].queryset = objectives  # type: ignore[attr-defined]
        self.fields["effect"].queryset = objectives  # type: ignore[attr-defined]
