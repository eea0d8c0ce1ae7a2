"""Saving a form that nobody changed changes nothing (DESIGN "Round trips").

One walk over every page of the URL resolver (the team pages of the access walks, with the same objects, and the
application's pages without arguments): each page is opened as the team admin, in English and in Dutch, every
form on it that has fields to fill in is sent back with exactly what the page rendered (inputs, selected options,
textareas, ticked checkboxes, formset management forms: what a browser would send), and no row of any table may
be created, changed or deleted, and no audit entry written. Forms without fields to fill in (delete
confirmations, "sync now", "sign out") are actions, not edits, and are left out.
"""

import re
from typing import Any
from urllib.parse import urljoin

import lxml.html
import pytest
from django.apps import apps
from django.urls import reverse

from scorecard.models import KPI, Perspective, Target
from teams.tests.test_tenant_isolation import TEAM_PATTERNS, is_api
from teams.tests.test_tenant_isolation import url_for as team_url  # noqa: F401  (its fixture, named team_url here)
from teams.tests.url_walk import app_pages_without_arguments

pytestmark = pytest.mark.django_db

NOT_SNAPSHOTTED = {"sessions.session"}  # the signed-in client's session, not the application's data
TYPED_IN = {"text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local", "time"}
# Pages whose form makes something new: what they propose (a copy "Map (copy)" for the next year) is meant to be
# created when sent. Every other page with a form edits what exists.
CREATING = re.compile(r"-(create|copy|upload)$")
# Edit pages that must really be saved by the walk (a redirect after the POST), so that the walk cannot pass by
# sending forms that are all refused.
MUST_SAVE = {
    "strategy:map-edit",
    "strategy:map-objectives",
    "scorecard:scorecard-edit",
    "scorecard:perspective-edit",
    "scorecard:kpi-edit",
    "scorecard:target-edit",
    "scorecard:action-edit",
    "scorecard:profile",
    "metrics:metric-edit",
    "metrics:channel-edit",
}


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by model."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_SNAPSHOTTED
    }


def differences(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> list[str]:
    found = []
    for label, rows in before.items():
        old, new = {row["id"]: row for row in rows}, {row["id"]: row for row in after[label]}
        found += [f"{label} {pk} created: {new[pk]}" for pk in new.keys() - old.keys()]
        found += [f"{label} {pk} deleted" for pk in old.keys() - new.keys()]
        for pk in old.keys() & new.keys():
            changed = {k: (old[pk][k], new[pk][k]) for k in old[pk] if old[pk][k] != new[pk][k]}
            if changed:
                found.append(f"{label} {pk} changed: {changed}")
    return found


def has_fields_to_fill_in(form: Any) -> bool:
    for element in form.inputs:
        if element.tag in ("select", "textarea"):
            return True
        if element.get("type", "text").lower() not in ("hidden", "submit", "button", "image", "reset"):
            return True
    return False


def sent_by_a_browser(form: Any) -> list[tuple[str, str]]:
    """lxml's form_values, plus the empty text inputs it leaves out and a browser sends as ""."""
    values = form.form_values()
    sent = {name for name, _value in values}
    for element in form.inputs:
        kind = element.get("type", "text").lower() if element.tag == "input" else ""
        empty = kind in TYPED_IN and element.get("value") is None and "disabled" not in element.attrib
        if empty and element.name and element.name not in sent:
            values.append((element.name, ""))
    return values


def forms_of(html: str, url: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(action, what a browser sends) for each POST form of the page with fields to fill in."""
    document = lxml.html.fromstring(html)
    return [
        (urljoin(url, form.get("action") or url), sent_by_a_browser(form))
        for form in document.forms
        if (form.get("method") or "get").lower() == "post" and has_fields_to_fill_in(form)
    ]


def give_numbers_decimals() -> None:
    """Numbers with decimals and thousands, so that the Dutch pages render them with a decimal comma."""
    Target.objects.update(goal=1234.56, red_flag=1000.5)
    KPI.objects.update(baseline=1234.5, weight=1.5, decimals=2)
    Perspective.objects.update(weight=2.5)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_saving_every_form_page_unchanged_changes_nothing(request, client_for, language):
    build = request.getfixturevalue("team_url")
    pages = [(name, build(name, args)) for name, args in TEAM_PATTERNS if not is_api(build(name, args))]
    pages += [(name, reverse(name)) for name, _args in app_pages_without_arguments()]
    pages = [(name, url) for name, url in pages if not CREATING.search(name)]
    give_numbers_decimals()
    client = client_for("admin")
    problems: list[str] = []
    saved: set[str] = set()
    for name, url in pages:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for action, values in forms_of(page.content.decode(), url):
            data: dict[str, list[str]] = {}
            for key, value in values:
                data.setdefault(key, []).append(value)
            before = snapshot()
            answer = client.post(action, data, HTTP_ACCEPT_LANGUAGE=language)
            if answer.status_code >= 500:
                problems.append(f"{name}: POST {action} answered {answer.status_code}")
            if answer.status_code == 302 and action == url:
                saved.add(name)
            problems += [f"{name}: POST {action}: {change}" for change in differences(before, snapshot())]
    assert not problems, "\n".join(problems)
    assert saved >= MUST_SAVE, f"these pages did not save their own data: {sorted(MUST_SAVE - saved)}"
