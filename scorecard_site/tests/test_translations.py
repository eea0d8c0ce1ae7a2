"""The Dutch interface is complete: every string in the code has a Dutch translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
PO_FILE = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def entry_key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def test_every_dutch_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_the_compiled_catalogue_matches_the_po_file():
    source = {entry_key(e): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO_FILE)) if e.translated()}
    compiled = {entry_key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO_FILE))}
    compiled.pop((None, ""), None)  # the header
    assert compiled == source, "run `make messages` to compile locale/nl/LC_MESSAGES/django.mo"


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """makemessages on a copy finds no msgid that the committed catalogue lacks."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext (gettext) is needed on CI to check the catalogue against the code")
        pytest.skip("xgettext is not installed")
    tree = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "test-results", "__pycache__", "*.mo"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--verbosity", "0"],
        cwd=tree,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "scorecard_site.test_settings"},
        check=True,
        timeout=300,
    )
    fresh = {entry_key(e) for e in polib.pofile(str(tree / "locale" / "nl" / "LC_MESSAGES" / "django.po"))}
    committed = {entry_key(e) for e in polib.pofile(str(PO_FILE))}
    missing = sorted(msgid for _, msgid in fresh - committed)
    assert not missing, f"{len(missing)} strings are not in the catalogue (run `make messages`): {missing[:5]}"


def test_the_perspectives_read_in_dutch():
    from scorecard.models import PerspectiveKey

    with translation.override("nl"):
        assert [str(label) for label in PerspectiveKey.labels] == ["Klant", "Organisatie", "Social media", "Financieel"]


@pytest.mark.django_db
def test_the_kpi_form_and_a_history_entry_read_fully_in_dutch(client_for, team):
    """Labels of required fields, the empty choice and the field names of the history are Dutch, not English."""
    from django.urls import reverse
    from lxml import html

    from scorecard.services import target_update
    from teams.tests.test_tenant_isolation import kpi_of

    kpi = kpi_of(team)
    target_update(target=kpi.targets.first(), goal=12)
    client = client_for("editor")
    form = html.fromstring(
        client.get(
            reverse("scorecard:kpi-create", args=[team.slug, kpi.perspective_id]), HTTP_ACCEPT_LANGUAGE="nl"
        ).content
    )
    labels = [" ".join(label.text_content().split()) for label in form.xpath("//form//label")]
    assert "Perspectief*" in labels and "Perspective*" not in labels
    assert "---------" not in form.text_content()
    assert form.xpath('//select[@name="metric"]/option[@value=""]/text()') == ["– kies –"]
    page = client.get(kpi.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for english in ("Kpi:", "Goal:", "Scoring"):
        assert english not in page
