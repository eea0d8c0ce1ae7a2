from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from teams.demo import DemoContext, seed


class Command(BaseCommand):
    help = "Create (or bring back) the demo teams, users and each app's demo data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for the demo users (default: $DEMO_PASSWORD or scorecard-demo)."
        )

    def handle(self, *args, **options):
        context = DemoContext()
        with transaction.atomic():
            seed(context, password=options["password"])
            # Every other app may add its demo data in <app>/demo.py: seed(context).
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if config.name == "teams" or util.find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(context)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(context.teams)} teams, users {', '.join(context.users)}.")
        )
