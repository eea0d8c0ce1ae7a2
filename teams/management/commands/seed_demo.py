from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
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
        parser.add_argument("--teams", type=int, default=50, help="With --large: how many teams (default 50).")
        parser.add_argument("--years", type=int, default=3, help="With --large: years of daily points (default 3).")

    def handle(self, *args, **options):
        if options["teams"] < 1 or options["years"] < 1:
            raise CommandError("--teams and --years must be at least 1.")
        context = DemoContext(large=options["large"], large_teams=options["teams"], large_years=options["years"])
        # Every other app may add its demo data in <app>/demo.py: seed(context), and with --large
        # seed_large(context, stdout) for the benchmark data set.
        demo_modules = [
            import_module(f"{config.name}.demo")
            for config in apps.get_app_configs()
            if config.name != "teams" and util.find_spec(f"{config.name}.demo") is not None
        ]
        with transaction.atomic():
            seed(context, password=options["password"])
            for module in demo_modules:
                module.seed(context)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(context.teams)} teams, users {', '.join(context.users)}.")
        )
        if context.large:
            # Outside the transaction: the large set commits batch by batch.
            for module in demo_modules:
                if hasattr(module, "seed_large"):
                    module.seed_large(context, stdout=self.stdout)
