from django.core.management.base import BaseCommand, CommandError

from teams.errors import ApplicationError
from teams.models import Team
from teams.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a team. The key is printed once, on the last line."

    def add_arguments(self, parser):
        parser.add_argument("team_slug")
        parser.add_argument("name")
        parser.add_argument("--scopes", default="read", help="Comma-separated: read, ingest, write (default: read).")

    def handle(self, *args, team_slug, name, scopes, **options):
        team = Team.objects.filter(slug=team_slug).first()
        if team is None:
            raise CommandError(f"No team with slug “{team_slug}”.")
        try:
            api_key, raw_key = api_key_create(team=team, name=name, scopes=scopes)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Created key “{api_key.name}” for {team.name} with scopes {', '.join(api_key.scopes)}. "
            "Store it now: it is not shown again. The key:"
        )
        self.stdout.write(raw_key)
