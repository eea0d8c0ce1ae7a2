"""Numbers typed the Dutch way are read the Dutch way (decimal comma, thousands point), English the English way,
in every number field of every form."""

import importlib
from datetime import date

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from metrics.models import DataPoint
from scorecard.forms import TargetForm, ValueEntryForm
from scorecard.models import Target
from teams.number_fields import LocalizedFloatField, LocalizedIntegerField

FORM_MODULES = ["teams.forms", "strategy.forms", "metrics.forms", "metrics.channel_forms", "scorecard.forms"]

READ = [
    ("nl", "1234,56", 1234.56),
    ("nl", "1.234,56", 1234.56),
    ("nl", "1.234.567,8", 1234567.8),
    ("nl", "-0,5", -0.5),
    ("nl", "1.234", 1234.0),
    ("nl", "12 345,6", 12345.6),
    ("en", "1234.56", 1234.56),
    ("en", "1,234.56", 1234.56),
    ("en", "-0.5", -0.5),
]
REFUSED = [
    ("nl", "1234.56"),  # a decimal point in Dutch: refused with an example, never read as 123456
    ("nl", "12.34,5"),
    ("nl", "1,2,3"),
    ("nl", "1,234.5"),
    ("en", "1234,56"),
    ("en", "1,5"),
    ("en", "1.2.3"),
]


@pytest.mark.parametrize(("language", "typed", "stored"), READ)
def test_a_value_is_read_in_the_interface_language(language, typed, stored):
    with translation.override(language):
        form = ValueEntryForm({"day": "2026-01-05", "value": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == pytest.approx(stored)


@pytest.mark.parametrize(("language", "typed"), REFUSED)
def test_separators_that_do_not_fit_the_language_are_refused_with_an_example(language, typed):
    with translation.override(language):
        form = ValueEntryForm({"day": "2026-01-05", "value": typed})
        assert not form.is_valid()
    example = "1.234,5" if language == "nl" else "1,234.5"
    assert example in form.errors["value"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "goal", "red_flag", "shown"), [("nl", "1.500,5", "750", "1500,5"), ("en", "1,500.5", "750", "1500.5")]
)
def test_the_target_form_reads_goal_and_red_flag_and_shows_them_back_the_same_way(language, goal, red_flag, shown):
    data = {
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "goal": goal,
        "red_flag": red_flag,
        "pacing": "none",
    }
    with translation.override(language):
        form = TargetForm(data)
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["goal"], form.cleaned_data["red_flag"]) == (1500.5, 750.0)
        target = Target(period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=1500.5, red_flag=750)
        html = str(TargetForm(instance=target)["goal"])
        assert f'value="{shown}"' in html and 'type="text"' in html and 'inputmode="decimal"' in html
        assert not TargetForm({**data, "goal": shown, "red_flag": "750"}, instance=target).has_changed()


def _form_classes():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module_name:
                yield value


@pytest.mark.parametrize("form_class", list(_form_classes()), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_number_field_of_every_form_is_localized_text_input(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.FloatField | forms.IntegerField | forms.DecimalField):
            assert isinstance(field, LocalizedFloatField | LocalizedIntegerField), f"{form_class.__name__}.{name}"
            assert field.localize and field.widget.input_type == "text", f"{form_class.__name__}.{name}"
            assert field.widget.attrs["inputmode"] in ("decimal", "numeric"), f"{form_class.__name__}.{name}"


@pytest.mark.django_db
def test_a_value_typed_on_the_dutch_metric_page_is_stored_with_its_decimals(client_for, team):
    from metrics.models import Metric

    metric = Metric.objects.create(team=team, key="revenue", name="Revenue")
    client = client_for("editor")
    url = reverse("metrics:metric-detail", args=[team.slug, metric.key])
    response = client.post(url, {"day": "2026-01-05", "value": "1.234,56"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert DataPoint.objects.get(metric=metric).value == 1234.56
