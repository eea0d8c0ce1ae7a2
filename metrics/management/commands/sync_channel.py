from django.core.management.base import BaseCommand, CommandError

from metrics.channel_services import channel_claim, channel_sync_run
from metrics.models import Channel, SyncRun


class Command(BaseCommand):
    help = "Sync one channel now, in the foreground, and print the result."

    def add_arguments(self, parser):
        parser.add_argument("channel_id", type=int)

    def handle(self, *args, **options):
        channel = Channel.objects.filter(pk=options["channel_id"]).first()
        if channel is None:
            raise CommandError(f"There is no channel with id {options['channel_id']}.")
        token = channel_claim(channel=channel)
        if token is None:
            raise CommandError(f"A sync of “{channel}” is already running; try again when it is done.")
        run = channel_sync_run(channel_id=channel.pk, claim_token=token, trigger=SyncRun.Trigger.COMMAND)
        if run is None:
            raise CommandError("The sync was refused: another sync took over the channel.")
        channel.refresh_from_db()
        self.stdout.write(
            f"{channel} ({channel.platform}): {run.get_status_display()}, {run.points_written} points written."
        )
        if run.error:
            self.stdout.write(f"Error: {run.error}")
        if channel.attention_hint:
            self.stdout.write(f"What to do: {channel.attention_hint}")
        if run.status == SyncRun.Status.FAILED:
            raise CommandError("The sync failed.")
