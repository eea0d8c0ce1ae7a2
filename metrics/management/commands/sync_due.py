from django.core.management.base import BaseCommand

from metrics.channel_services import channel_sync_run, channels_claim_due, channels_dispatch_due
from metrics.models import SyncRun


class Command(BaseCommand):
    help = (
        "Claim the channels whose sync is due and enqueue their syncs, as the beat task does every minute. "
        "With --foreground, run the syncs here instead (cron-only deployments without a Celery worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--foreground", action="store_true", help="Run the syncs in this process.")

    def handle(self, *args, **options):
        if not options["foreground"]:
            count = channels_dispatch_due()
            self.stdout.write(f"{count} channel sync(s) enqueued.")
            return
        done = 0
        for channel_id, token in channels_claim_due():
            run = channel_sync_run(channel_id=channel_id, claim_token=token, trigger=SyncRun.Trigger.COMMAND)
            if run is not None:
                done += 1
                self.stdout.write(f"channel {channel_id}: {run.get_status_display()}, {run.points_written} points")
        self.stdout.write(f"{done} channel(s) synced.")
