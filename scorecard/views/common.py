from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from teams.errors import ApplicationError

from ..periods import Period, parse_period

T = TypeVar("T")


def call_service[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run a service; a refusal becomes an error on the named field (or the whole form)."""
    try:
        return call()
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def form_page(request: HttpRequest, *, form: forms.BaseForm, heading: str, back: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "heading": heading, "back": back, **extra}
    return render(request, "scorecard/form.html", context)


def confirm_page(request: HttpRequest, *, question: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "scorecard/confirm_delete.html", {"question": question, "back": back, **extra})


def period_from_request(request: HttpRequest, default: Period) -> Period:
    """The ?period= of the request; a bad one keeps the default and says why."""
    raw = request.GET.get("period", "").strip()
    if not raw:
        return default
    try:
        return parse_period(raw)
    except ValueError as error:
        messages.error(request, str(error))
        return default
