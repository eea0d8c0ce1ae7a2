"""Writes for CSV imports: upload, confirm, and the run a Celery worker (or the command) does.

An import is all or nothing: every row is validated first; only a file without bad rows is
written, in batches through `datapoints_upsert`, inside one transaction. Progress goes to the
cache rather than the database because the rows written so far are not visible to the page
until that transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team

from .csv_import import CsvResult, decode_upload, row_count, validate_rows
from .models import ImportJob, Metric, Source
from .services import PointIn, datapoints_upsert
from .validation import TimestampParser

logger = logging.getLogger(__name__)

WRITE_BATCH = 5000
PROGRESS_TTL = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"metrics:import-progress:{job_id}"


def _set_progress(job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, PROGRESS_TTL)


def csv_validate(*, team: Team, text: str, progress: Callable[[int], None] | None = None) -> CsvResult:
    """Check every row of a CSV text against the team's metrics (nothing is written)."""
    metric_ids = dict(Metric.objects.filter(team=team).values_list("key", "id"))
    parser = TimestampParser(tz=ZoneInfo(team.timezone), now=timezone.now(), naive_is_local=True)
    return validate_rows(text, metric_ids=metric_ids, parser=parser, progress=progress)


@transaction.atomic
def csv_write(*, points: list[PointIn], progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Upsert validated points in batches, all in one transaction; returns (created, updated).

    The batches go in (metric, ts) order, the order every upsert locks rows in, so an import never deadlocks
    with a concurrent one or with an API batch; the sort is stable, so a later row of the file still wins.
    """
    points = sorted(points, key=lambda point: (point.metric_id, point.ts))
    created = updated = 0
    for start in range(0, len(points), WRITE_BATCH):
        result = datapoints_upsert(points=points[start : start + WRITE_BATCH], source=Source.IMPORT)
        created += result.created
        updated += result.updated
        if progress is not None:
            progress(min(start + WRITE_BATCH, len(points)))
    return created, updated


@transaction.atomic
def import_job_create(*, team: Team, created_by: User | None, filename: str, data: bytes) -> ImportJob:
    """Store an uploaded file for preview; a file without the right header is refused at once."""
    text = decode_upload(data)
    count = row_count(text)
    if count == 0:
        raise ApplicationError(_("The file has a header but no data rows."), field="file")
    return ImportJob.objects.create(
        team=team, created_by=created_by, filename=filename[:255], content=text, total_rows=count
    )


@transaction.atomic
def import_job_start(*, job: ImportJob) -> ImportJob:
    """Queue the import after the user confirmed the preview."""
    from .tasks import import_datapoints  # the task module imports this one

    job = ImportJob.objects.select_for_update().defer("content").get(pk=job.pk)
    if job.status != ImportJob.Status.UPLOADED:
        raise ApplicationError(_("This import has already been started."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    _set_progress(job.pk, "queued", 0, job.total_rows)
    transaction.on_commit(lambda: import_datapoints.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Validate every row, then write all points or none. Safe to run again (upserts)."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).update(status=ImportJob.Status.RUNNING)
    job = ImportJob.objects.select_related("team").get(pk=job_id)
    if not claimed:
        return job  # finished already, or never confirmed
    total = job.total_rows
    try:
        result = csv_validate(
            team=job.team, text=job.content, progress=lambda n: _set_progress(job_id, "validating", n, total)
        )
        if result.error_count:
            _finish(job, ImportJob.Status.FAILED, error_count=result.error_count, errors=result.errors)
            return job
        _set_progress(job_id, "writing", 0, len(result.points))
        created, updated = csv_write(
            points=result.points, progress=lambda n: _set_progress(job_id, "writing", n, len(result.points))
        )
    except Exception:
        logger.exception("CSV import %s stopped", job_id)
        message = _("The import stopped unexpectedly; nothing was written. Try again or contact support.")
        _finish(job, ImportJob.Status.FAILED, error_count=1, errors=[{"row": None, "message": message}])
        raise
    _finish(job, ImportJob.Status.DONE, created_points=created, updated_points=updated)
    return job


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.content = ""  # the rows are in the database now (or rejected); keep the table small
    job.save()
    cache.delete(progress_key(job.pk))


def import_job_progress(*, job: ImportJob) -> dict[str, Any]:
    """What the import page polls: status, percentage and, when finished, the outcome."""
    live = cache.get(progress_key(job.pk)) or {}
    phase, done, total = live.get("phase", job.status), live.get("done", 0), live.get("total", job.total_rows)
    if job.is_finished:
        percent = 100
    elif phase == "writing":
        percent = 50 + int(50 * done / max(total, 1))
    elif phase == "validating":
        percent = int(50 * done / max(total, 1))
    else:
        percent = 0
    phase_labels = {
        "queued": _("Waiting for a worker…"),
        "validating": _("Checking rows…"),
        "writing": _("Writing data points…"),
    }
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "phase": phase_labels.get(phase, str(job.get_status_display())),
        "percent": percent,
        "finished": job.is_finished,
        "rows": job.total_rows,
        "created": job.created_points,
        "updated": job.updated_points,
        "error_count": job.error_count,
    }


UNCONFIRMED_UPLOAD_LIFETIME = timedelta(days=1)


@transaction.atomic
def import_uploads_expire(*, now: datetime | None = None) -> int:
    """Delete uploads nobody confirmed within a day: their file text would otherwise stay forever."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_UPLOAD_LIFETIME
    deleted, _per_model = ImportJob.objects.filter(status=ImportJob.Status.UPLOADED, created_at__lt=cutoff).delete()
    return deleted
