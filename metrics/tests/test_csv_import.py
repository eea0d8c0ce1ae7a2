"""CSV import: page (upload -> preview -> confirm -> task with progress) and the command."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from metrics import import_services
from metrics.models import DataPoint, ImportJob

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

DUTCH_EXCEL = (
    "metric;ts;value\r\nfollowers;31-01-2026;1234,5\r\nfollowers;01-02-2026 09:30;1.250,25\r\nreach;2026-02-01;7\r\n"
)


def page(name, team, *args):
    return reverse(f"metrics:{name}", args=[team.slug, *args])


def upload(client, team, text, *, encoding="utf-8", name="data.csv"):
    return client.post(page("import-upload", team), {"file": SimpleUploadedFile(name, text.encode(encoding))})


def run_import(client, team, text, capture, **kwargs):
    """Upload, confirm, and let the (eager) Celery task run when the transaction commits."""
    response = upload(client, team, text, **kwargs)
    job = ImportJob.objects.latest("created_at")
    assert response["Location"] == page("import-detail", team, job.pk)
    with capture(execute=True):
        client.post(page("import-start", team, job.pk))
    job.refresh_from_db()
    return job


def test_a_dutch_excel_file_is_previewed_then_imported(
    client_for, team, followers, reach, django_capture_on_commit_callbacks
):
    client = client_for("editor")
    response = upload(client, team, DUTCH_EXCEL, encoding="cp1252")
    job = ImportJob.objects.get()
    assert (job.status, job.total_rows) == ("uploaded", 3)
    preview = client.get(response["Location"])
    assert preview.context["preview_rows"][0] == (2, ["followers", "31-01-2026", "1234,5"])
    assert "The file has 3 data rows" in preview.content.decode()
    assert not DataPoint.objects.exists()  # nothing before confirmation

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("import-start", team, job.pk))
    job.refresh_from_db()
    assert (job.status, job.created_points, job.updated_points, job.content) == ("done", 3, 0, "")
    stored = {(p.metric.key, p.ts, p.value, p.source) for p in DataPoint.objects.select_related("metric")}
    assert stored == {
        ("followers", datetime(2026, 1, 31, tzinfo=AMSTERDAM), 1234.5, "import"),
        ("followers", datetime(2026, 2, 1, 9, 30, tzinfo=AMSTERDAM), 1250.25, "import"),
        ("reach", datetime(2026, 2, 1, tzinfo=AMSTERDAM), 7.0, "import"),
    }
    done_page = client.get(page("import-detail", team, job.pk)).content.decode()
    assert "Imported 3 rows: 3 new data points" in done_page


def test_importing_the_same_file_again_changes_nothing(
    client_for, team, followers, reach, django_capture_on_commit_callbacks
):
    client = client_for("editor")
    run_import(client, team, DUTCH_EXCEL, django_capture_on_commit_callbacks)
    again = run_import(client, team, DUTCH_EXCEL, django_capture_on_commit_callbacks)
    assert (again.status, again.created_points, again.updated_points) == ("done", 0, 0)
    assert DataPoint.objects.count() == 3


def test_a_file_with_bad_rows_writes_nothing_and_lists_each_row(
    client_for, team, followers, django_capture_on_commit_callbacks
):
    text = (
        "metric,ts,value\n"
        "followers,2026-01-01,1\n"
        "likes,2026-01-02,2\n"
        "followers,2026-01-03,abc\n"
        "followers,,3\n"
        "followers,2026-01-05,NaN\n"
        'followers,2026-01-06,"1,5"\n'
        "followers,2099-01-01,1\n"
    )
    client = client_for("editor")
    job = run_import(client, team, text, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.error_count == 6
    assert [e["row"] for e in job.errors] == [3, 4, 5, 6, 7, 8]
    messages = [e["message"] for e in job.errors]
    assert "No metric with the key “likes”" in messages[0]
    assert "“abc” is not a number" in messages[1]
    assert "The timestamp is empty" in messages[2]
    assert "infinite values are not allowed" in messages[3]
    assert "Use a point as decimal separator" in messages[4]
    assert "more than one day in the future" in messages[5]
    assert not DataPoint.objects.exists()
    html = client.get(page("import-detail", team, job.pk)).content.decode()
    assert "Nothing was imported: 6 rows have problems." in html
    assert "No metric with the key “likes”" in html


def test_many_bad_rows_are_capped_with_the_total_count(client_for, team, followers, django_capture_on_commit_callbacks):
    text = "metric,ts,value\n" + "".join(f"nope,2026-01-01,{i}\n" for i in range(250))
    job = run_import(client_for("editor"), team, text, django_capture_on_commit_callbacks)
    assert job.error_count == 250
    assert len(job.errors) == 100
    html = client_for("editor").get(page("import-detail", team, job.pk)).content.decode()
    assert "250 rows have problems" in html
    assert "The first 100 are listed." in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("followers,2026-01-01,1\n", "must name the columns metric, ts and value"),
        ("metric,ts,value,comment\n", "must name the columns"),
        ("metric,ts,value\n", "no data rows"),
    ],
)
def test_a_file_without_a_proper_header_is_refused_at_upload(client_for, team, followers, text, message):
    response = upload(client_for("editor"), team, text)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_large_file_is_written_in_batches_with_progress(team, followers, reach, monkeypatch):
    first = date(2000, 1, 1)
    rows = [f"{key},{first + timedelta(days=day)},{day}" for day in range(6000) for key in ("followers", "reach")]
    job = import_services.import_job_create(
        team=team, created_by=None, filename="big.csv", data=("metric,ts,value\n" + "\n".join(rows)).encode()
    )
    job.status = ImportJob.Status.QUEUED
    job.save()
    seen = []
    monkeypatch.setattr(
        import_services, "_set_progress", lambda job_id, phase, done, total: seen.append((phase, done, total))
    )
    import_services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_points) == ("done", 12000), job.errors[:3]
    assert DataPoint.objects.count() == 12000
    assert ("validating", 5000, 12000) in seen
    assert [s for s in seen if s[0] == "writing"] == [
        ("writing", 0, 12000),
        ("writing", 5000, 12000),
        ("writing", 10000, 12000),
        ("writing", 12000, 12000),
    ]


def test_an_import_writes_in_the_order_every_upsert_locks_in_and_a_later_row_still_wins(
    team, followers, reach, monkeypatch
):
    from metrics.services import PointIn, datapoints_upsert

    jan = [datetime(2026, 1, day, tzinfo=AMSTERDAM) for day in (1, 2, 3)]
    # File order: reach before followers, days backwards, and 2 January of followers twice (7, then 8).
    points = [PointIn(reach.pk, ts, 1.0) for ts in reversed(jan)] + [
        PointIn(followers.pk, jan[1], 7.0),
        PointIn(followers.pk, jan[2], 3.0),
        PointIn(followers.pk, jan[0], 1.0),
        PointIn(followers.pk, jan[1], 8.0),
    ]
    batches = []

    def recording_upsert(*, points, source):
        batches.append([(point.metric_id, point.ts) for point in points])
        return datapoints_upsert(points=points, source=source)

    monkeypatch.setattr(import_services, "WRITE_BATCH", 2)
    monkeypatch.setattr(import_services, "datapoints_upsert", recording_upsert)
    import_services.csv_write(points=points)

    written = [key for batch in batches for key in batch]
    assert written == sorted(written)  # across batches too: the transaction locks in (metric, ts) order
    assert DataPoint.objects.get(metric=followers, ts=jan[1]).value == 8.0


def test_the_status_url_reports_progress_as_json(client_for, team, followers):
    job = import_services.import_job_create(team=team, created_by=None, filename="a.csv", data=DUTCH_EXCEL.encode())
    import_services._set_progress(job.pk, "validating", 1, 2)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    status = client_for("editor").get(page("import-status", team, job.pk)).json()
    assert status["status"] == "running"
    assert status["percent"] == 25
    assert status["finished"] is False
    assert status["phase"] == "Checking rows…"


def test_the_running_page_has_a_progress_bar_and_its_script(client_for, team, followers):
    job = import_services.import_job_create(team=team, created_by=None, filename="a.csv", data=DUTCH_EXCEL.encode())
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    html = client_for("editor").get(page("import-detail", team, job.pk)).content.decode()
    assert 'role="progressbar"' in html
    assert page("import-status", team, job.pk) in html
    assert "js/import_progress.js" in html


def test_an_import_cannot_be_started_twice(client_for, team, followers, reach, django_capture_on_commit_callbacks):
    client = client_for("editor")
    job = run_import(client, team, DUTCH_EXCEL, django_capture_on_commit_callbacks)
    response = client.post(page("import-start", team, job.pk), follow=True)
    assert "already been started" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_import_or_see_imports(client_for, team, followers, who, status):
    job = import_services.import_job_create(team=team, created_by=None, filename="a.csv", data=DUTCH_EXCEL.encode())
    client = client_for(who)
    assert upload(client, team, DUTCH_EXCEL).status_code == status
    for name in ("import-detail", "import-status"):
        assert client.get(page(name, team, job.pk)).status_code == status
    assert client.post(page("import-start", team, job.pk)).status_code == status
    assert ImportJob.objects.get().status == "uploaded"


def test_an_import_of_another_team_is_404(client_for, org, make_metric):
    job = import_services.import_job_create(
        team=org["other"], created_by=None, filename="a.csv", data=b"metric,ts,value\nx,2026-01-01,1\n"
    )
    client = client_for("editor")
    assert client.get(page("import-detail", org["social"], job.pk)).status_code == 404
    assert client.post(page("import-start", org["social"], job.pk)).status_code == 404


def test_the_command_imports_a_file(team, followers, reach, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(DUTCH_EXCEL.encode("cp1252"))
    call_command("import_datapoints", team.slug, str(path))
    assert "Imported 3 rows: 3 new data points, 0 changed values." in capsys.readouterr().out
    assert DataPoint.objects.filter(source="import").count() == 3


def test_the_command_lists_bad_rows_and_fails_without_writing(team, followers, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("metric,ts,value\nfollowers,2026-01-01,1\n" + "".join(f"nope,2026-01-02,{i}\n" for i in range(150)))
    with pytest.raises(CommandError, match="150 bad rows \\(the first 100 are listed\\); nothing was written"):
        call_command("import_datapoints", team.slug, str(path))
    err = capsys.readouterr().err
    assert "row 3: No metric with the key “nope”." in err
    assert "row 102:" in err
    assert "row 103:" not in err
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("team_slug", "filename", "message"), [("nope", "data.csv", "No team"), ("social", "missing.csv", "Cannot read")]
)
def test_the_command_explains_a_wrong_team_or_file(team, tmp_path, team_slug, filename, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_datapoints", team_slug, str(tmp_path / filename))
