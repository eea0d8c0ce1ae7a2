"""Celery tasks of the metrics app: ids in, a service call out. Retries only for transient source errors."""

from celery import Task, shared_task
from django.conf import settings

from .channel_services import channel_sync_run, channels_dispatch_due
from .connectors.base import TransientSourceError
from .models import SyncRun


@shared_task(acks_late=True, ignore_result=True)
def channels_dispatch() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): claim the due channels and enqueue one sync each."""
    return channels_dispatch_due()


@shared_task(bind=True, acks_late=True, ignore_result=True)
def channel_sync(self: Task, channel_id: int, claim_token: str, trigger: str = SyncRun.Trigger.SCHEDULE) -> None:
    retries = self.request.retries or 0
    max_retries = settings.SCORECARD_SYNC_MAX_RETRIES
    try:
        channel_sync_run(
            channel_id=channel_id,
            claim_token=claim_token,
            trigger=trigger,
            attempt=retries + 1,
            final_attempt=retries >= max_retries,
        )
    except TransientSourceError as error:
        # The service kept the claim and chose the delay (backoff with jitter, or Retry-After).
        raise self.retry(exc=error, countdown=error.retry_in, max_retries=max_retries) from error  # type: ignore[attr-defined]


# --- CSV import -------------------------------------------------------------------------------


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_datapoints(job_id: int) -> None:
    """Validate and write one confirmed CSV import (metrics.import_services)."""
    from .import_services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def import_uploads_expire() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete CSV uploads that were never confirmed."""
    from .import_services import import_uploads_expire as expire

    return expire()


# --- "Connect with …" tokens ------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def channel_tokens_refresh() -> int:
    """Every 10 minutes (CELERY_BEAT_SCHEDULE): enqueue the renewal of OAuth tokens that expire soon (one task per
    channel), mark lapsed connections."""
    from .oauth.services import channels_tokens_refresh_due

    return channels_tokens_refresh_due(renew=channel_token_refresh.delay)


@shared_task(acks_late=True, ignore_result=True)
def channel_token_refresh(channel_id: int) -> bool:
    """Renew one channel's token if it is still due (a second copy of this task finds it renewed and does nothing)."""
    from .oauth.services import channel_token_refresh as renew

    return renew(channel_id=channel_id)
