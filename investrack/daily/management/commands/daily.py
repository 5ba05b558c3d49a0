import datetime

from django.core.management.base import BaseCommand, CommandError

from investrack.daily.job import daily_run


class Command(BaseCommand):
    help = (
        "The daily job: record warning lights, remind before deadlines, escalate overdue "
        "problems and e-mail pending notifications. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args, date=None, **options):
        as_of = None
        if date:
            try:
                as_of = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        result = daily_run(as_of=as_of)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
