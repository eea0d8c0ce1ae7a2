from django.core.management.base import BaseCommand, CommandError

from metrics.aggregates import aggregates_rebuild
from metrics.models import Metric


class Command(BaseCommand):
    help = (
        "Recompute the per-day and per-month aggregates of the metrics' data points from the points "
        "(all teams, or --team SLUG). The upsert keeps them current; this is for operators and restores."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", help="Only this team's metrics (its slug).")

    def handle(self, *args, **options):
        metrics = Metric.objects.all()
        if options["team"]:
            metrics = metrics.filter(team__slug=options["team"])
            if not metrics.exists():
                raise CommandError(f"No team with the slug {options['team']!r} has metrics.")
        ids = list(metrics.values_list("pk", flat=True))
        days = aggregates_rebuild(metric_ids=ids)
        self.stdout.write(f"Aggregates rebuilt: {len(ids)} metrics, {days} days with points.")
