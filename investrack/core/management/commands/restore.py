from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from investrack.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with a backup made by `backup`, then "
        "check that every table holds as many rows as the backup says."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A backup folder (investrack-YYYYmmdd-HHMMSS).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, yes=False, **options):
        path = Path(folder)
        if not (path / "manifest.json").exists():
            raise CommandError(f"{path} is not a backup folder (no manifest.json).")
        if not yes and input("Replace ALL data with this backup? Type yes: ") != "yes":
            raise CommandError("Nothing was restored.")
        try:
            manifest = restore(folder=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup of {manifest['made_at']}.")
