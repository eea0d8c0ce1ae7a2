"""Celery tasks of the metrics app: thin wrappers that take ids and call a service."""

from celery import shared_task

# --- CSV import -------------------------------------------------------------------------------


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_datapoints(job_id: int) -> None:
    """Validate and write one confirmed CSV import (metrics.import_services)."""
    from .import_services import import_job_run

    import_job_run(job_id=job_id)
