"""CSV uploads that nobody confirms are deleted after a day, with the file text they hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.import_services import import_job_create
from metrics.models import ImportJob, Metric
from metrics.tasks import import_uploads_expire

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(team, users):
    Metric.objects.create(team=team, key="leads", name="Leads")

    def make(*, age: timedelta, status: str = ImportJob.Status.UPLOADED) -> ImportJob:
        job = import_job_create(
            team=team, created_by=users["editor"], filename="points.csv", data=b"metric,ts,value\nleads,2027-01-05,3\n"
        )
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - age, status=status)
        return job

    return make


def test_an_upload_left_unconfirmed_for_a_day_is_deleted(upload):
    stale = upload(age=timedelta(days=1, minutes=1))
    fresh = upload(age=timedelta(hours=2))
    confirmed = upload(age=timedelta(days=3), status=ImportJob.Status.DONE)

    assert import_uploads_expire() == 1
    assert not ImportJob.objects.filter(pk=stale.pk).exists()
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


def test_the_expiry_runs_daily_from_the_beat_schedule(settings):
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "metrics.tasks.import_uploads_expire" in entries
