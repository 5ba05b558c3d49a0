import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from investrack.accounts.models import User
from investrack.insights import briefing as briefings
from investrack.insights.selectors import area_for


class Command(BaseCommand):
    help = (
        "Write the monthly briefing (通报) as .docx and/or PDF, as the given user would "
        "download it from the dashboard (their jurisdiction, or a county inside it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--user", default="admin", help="Whose jurisdiction (user name).")
        parser.add_argument("--region", default="", help="A county's GB/T 2260 code.")
        parser.add_argument("--category", default="", help="e.g. manufacturing")
        parser.add_argument("--format", choices=["docx", "pdf", "both"], default="both")
        parser.add_argument("--output", default=".", help="Directory to write to.")
        parser.add_argument(
            "--known-on",
            default="",
            help="YYYY-MM-DD: the figures as the platform knew them at the end of that day "
            "(to make again a briefing issued then); default: as known now.",
        )

    def handle(self, *args, month, user, region, category, format, output, **options):
        translation.activate(settings.LANGUAGE_CODE)
        try:
            month_start = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from exc
        try:
            known_on = (
                datetime.date.fromisoformat(options["known_on"]) if options["known_on"] else None
            )
        except ValueError as exc:
            raise CommandError(f"--known-on: {exc}") from exc
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"--user: no user named {user}")
        area = area_for(account, region=region)
        b = briefings.briefing_for(
            area=area, user=account, month=month_start, category=category, known_on=known_on
        )
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for fmt in ("docx", "pdf") if format == "both" else (format,):
            content = briefings.briefing_docx(b) if fmt == "docx" else briefings.briefing_pdf(b)
            path = folder / briefings.briefing_filename(b, fmt)
            path.write_bytes(content)
            self.stdout.write(str(path))
