from celery import shared_task
from django.core.management import call_command

from .services import invitation_mail


@shared_task(acks_late=True)
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(acks_late=True)
def invitation_mail_send(invitation_id: int, base_url: str) -> None:
    """Sent by the worker, so that the members page answers as fast for everyone, invited or not."""
    invitation_mail(invitation_id=invitation_id, base_url=base_url)
