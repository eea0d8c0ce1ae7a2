"""Number fields that read numbers as the interface language writes them, for every form of the application.

Dutch: ``1.234,56`` (decimal comma, thousands point); English: ``1,234.56``. The fields are Django's, with
``localize=True``: they render their value in the active language (``1234,56`` in Dutch) and read the decimal
separator of that language. The thousands separator is read here, and only in groups of three, so that
``1234,56`` in Dutch is 1234.56 (never 123456), ``1.234,56`` is 1234.56, and an English ``1,5`` is refused with
an example rather than read as 15.

Why not ``USE_THOUSAND_SEPARATOR``: it also prints every other number of the templates with a separator (years
as "2.027", ids in links), and Django's own reading of it drops a point it takes for a thousands separator.
Values are rendered without a thousands separator, so what a form shows reads back unchanged.

The inputs are ``type="text"`` with ``inputmode="decimal"`` (``numeric`` for whole numbers): a
``type="number"`` input takes no decimal comma in most browsers, whatever the page's language.

ModelForms get these fields through ``Meta.formfield_callback = number_formfield``; plain forms declare them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class NumberInput(forms.TextInput):
    """A text input for numbers: mobile keyboards show digits, and a decimal comma can be typed."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, inputmode: str = "decimal") -> None:
        super().__init__({"inputmode": inputmode, **(attrs or {})})


def read_number(text: str) -> str:
    """Text typed in the active language's format, rewritten as Python reads numbers ("1234.56").

    ValueError when the separators do not fit the language (two decimal separators, a thousands separator
    that does not group three digits, or one after the decimal separator).
    """
    decimal, thousand = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    value = _SPACES.sub("", text)
    whole, has_decimals, decimals = value.partition(decimal)
    if decimal in decimals or thousand in decimals:
        raise ValueError(text)
    if thousand in whole:
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(thousand)}\d{{3}})+", whole):
            raise ValueError(text)
        whole = whole.replace(thousand, "")
    return f"{whole}.{decimals}" if has_decimals else whole


class _LocalizedNumberField(forms.Field):
    """What both number fields share: localized rendering, and reading through `read_number`."""

    widget = NumberInput
    convert: Callable[[str], float | int]
    invalid_message: str | Promise
    example_decimals: bool

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                value = type(self).convert(read_number(value))
            except ValueError:
                example = "1" + get_format("THOUSAND_SEPARATOR") + "234"
                if self.example_decimals:
                    example += get_format("DECIMAL_SEPARATOR") + "5"
                raise forms.ValidationError(self.invalid_message % {"example": example}, code="invalid") from None
        return super().to_python(value)


class LocalizedFloatField(_LocalizedNumberField, forms.FloatField):
    convert = float
    invalid_message = _("Enter a number, for example %(example)s.")
    example_decimals = True


class LocalizedIntegerField(_LocalizedNumberField, forms.IntegerField):
    convert = int
    invalid_message = _("Enter a whole number, for example %(example)s.")
    example_decimals = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"


def number_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """`Meta.formfield_callback` of every ModelForm: number columns get the localized fields above."""
    if isinstance(db_field, models.FloatField) and not db_field.choices:
        kwargs.setdefault("form_class", LocalizedFloatField)
    elif isinstance(db_field, models.IntegerField) and not db_field.choices and not db_field.primary_key:
        kwargs.setdefault("form_class", LocalizedIntegerField)
    field = db_field.formfield(**kwargs)
    # Django's empty choice "---------" is not translated: every select starts with the same readable words.
    if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
        field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] == "":
            field.choices = [("", EMPTY_CHOICE), *choices[1:]]
    return field


EMPTY_CHOICE = _("– choose –")
