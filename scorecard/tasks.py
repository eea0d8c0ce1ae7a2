from celery import shared_task

from .services.digest import digest_send


@shared_task(acks_late=True)
def send_daily_digest() -> int:
    """Thin wrapper for beat: see scorecard.services.digest."""
    return digest_send()
