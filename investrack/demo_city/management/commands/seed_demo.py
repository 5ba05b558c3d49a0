import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from investrack.daily.job import daily_run
from investrack.demo_city.load import seed_demo
from investrack.projects.demo import DEMO_PASSWORD, existing_demo_logins
from investrack.projects.models import Project


class Command(BaseCommand):
    help = "Load the demo city (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1500)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--as-of",
            default="2026-11-20",
            help="The last day of the generated history (YYYY-MM-DD); never after today.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if projects already exist."
        )
        parser.add_argument("--no-progress", action="store_true", help="Skip monthly reports.")

    def handle(self, *args, projects, seed, as_of, if_empty, no_progress, **options):
        translation.activate(settings.LANGUAGE_CODE)
        try:
            as_of = min(datetime.date.fromisoformat(as_of), timezone.localdate())
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        if if_empty and Project.objects.exists():
            self.stdout.write("The database already holds projects; the demo city was not loaded.")
            logins = existing_demo_logins()
        else:
            result = seed_demo(
                projects=projects,
                seed=seed,
                as_of=as_of,
                progress=not no_progress,
                log=(lambda m: self.stderr.write(m)) if options["verbosity"] > 1 else None,
            )
            logins = result.rows
            # Today's lights, reminders and escalations, as the daily job leaves them.
            daily_run()
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded: {projects} projects."))
        if logins and options["verbosity"] > 0:
            self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
            for username, role, where in logins:
                self.stdout.write(f"  {username:<16} {role:<12} {where}")
