from pathlib import Path

from django.core.management.base import BaseCommand

from investrack.core.backup import backup, backup_dir
from investrack.core.jobs import recorded


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one folder (BACKUP_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Where to write (default BACKUP_DIR or ./backups).")
        parser.add_argument("--keep", type=int, help="Keep only the newest N backups.")

    def handle(self, *args, dir=None, keep=None, **options):
        with recorded("backup") as run:
            folder = backup(directory=Path(dir) if dir else backup_dir(), keep=keep)
            run.result = {"folder": str(folder)}
        self.stdout.write(str(folder))
