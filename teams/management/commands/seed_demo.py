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
        parser.add_argument(
            "--large", action="store_true", help="Also load the large benchmark data set (50 teams, ~2.6M points)."
        )

    def handle(self, *args, **options):
        context = DemoContext(large=options["large"])
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
        if options["large"]:
            from scorecard.large_demo import seed_large  # lazy: only this flag needs it

            seed_large(stdout=self.stdout)
