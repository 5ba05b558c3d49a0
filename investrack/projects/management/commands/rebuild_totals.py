from django.core.management.base import BaseCommand

from investrack.projects.totals import progress_totals_rebuild, stage_totals_rebuild


class Command(BaseCommand):
    help = (
        "Make the kept stage and progress totals again from the projects, their events and "
        "their reports, each on the day it was recorded (after a bulk load, a drift reported "
        "by the daily job, or an upgrade that brought the record clock)."
    )

    def handle(self, *args, **options):
        stages = stage_totals_rebuild()
        progress = progress_totals_rebuild()
        self.stdout.write(f"stage totals: {stages} rows; progress totals: {progress} rows")
