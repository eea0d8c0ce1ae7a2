"""python manage.py import_datapoints <team> <file.csv>: the CSV import on a terminal."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from metrics.csv_import import decode_upload, row_count
from metrics.import_services import csv_validate, csv_write
from teams.errors import ApplicationError
from teams.models import Team


class Command(BaseCommand):
    help = (
        "Import data points from a CSV file with the columns metric, ts, value (header required; "
        "';' and decimal commas accepted). All or nothing: any bad row and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("team", help="Slug of the team whose metrics the file names.")
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"No team with the slug “{options['team']}”.")
        path: Path = options["file"]
        try:
            text = decode_upload(path.read_bytes())
            total = row_count(text)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ApplicationError as error:
            raise CommandError(error.message) from None

        quiet = options["verbosity"] == 0
        with tqdm(total=total, desc="Checking", unit="rows", file=self.stderr, disable=quiet) as bar:
            result = csv_validate(team=team, text=text, progress=lambda n: bar.update(n - bar.n))
            bar.update(result.rows - bar.n)
        if result.error_count:
            for bad_row in result.errors:
                self.stderr.write(f"row {bad_row['row']}: {bad_row['message']}")
            shown = len(result.errors)
            more = f" (the first {shown} are listed)" if result.error_count > shown else ""
            raise CommandError(f"{result.error_count} bad rows{more}; nothing was written.")

        with tqdm(total=len(result.points), desc="Writing", unit="points", file=self.stderr, disable=quiet) as bar:
            created, updated = csv_write(points=result.points, progress=lambda n: bar.update(n - bar.n))
        self.stdout.write(
            self.style.SUCCESS(f"Imported {result.rows} rows: {created} new data points, {updated} changed values.")
        )
