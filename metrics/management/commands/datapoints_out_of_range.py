from django.core.management.base import BaseCommand

from metrics.selectors import out_of_range_summary
from metrics.services import datapoints_out_of_range_delete
from teams.time_bounds import MAX_YEAR, MIN_YEAR


class Command(BaseCommand):
    help = (
        f"List the data points stored outside the years {MIN_YEAR}-{MAX_YEAR} (they break their team's pages); "
        "--delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete the points that are listed.")

    def handle(self, *args, **options):
        rows = out_of_range_summary()
        if not rows:
            self.stdout.write(f"Every data point lies between {MIN_YEAR} and {MAX_YEAR}.")
            return
        for team, key, points in rows:
            self.stdout.write(f"{team}/{key}: {points} point(s) outside {MIN_YEAR}-{MAX_YEAR}")
        if options["delete"]:
            self.stdout.write(f"Deleted {datapoints_out_of_range_delete()} point(s).")
