from django.core.management.base import BaseCommand
from django.db import transaction

from investrack.closed_loop.services import light_totals_rebuild
from investrack.projects.duplicate_pairs import pairs_mend
from investrack.projects.map_cells import map_cells_rebuild
from investrack.projects.totals import progress_totals_rebuild, stage_totals_rebuild


class Command(BaseCommand):
    help = (
        "Make the kept tables again from what they keep: the stage and progress totals from "
        "the projects, their events and their reports, each on the day it was recorded; the "
        "map's cells and the pairs likely counted twice from the projects; the light totals "
        "from the recorded lights (after a bulk load, a drift reported by the daily job, or "
        "an upgrade that brought the record clock)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        stages = stage_totals_rebuild()
        progress = progress_totals_rebuild()
        cells = map_cells_rebuild()
        lights = light_totals_rebuild()
        pairs = pairs_mend()
        self.stdout.write(
            f"stage totals: {stages} rows; progress totals: {progress} rows; "
            f"map cells: {cells} rows; light totals: {lights} rows; "
            f"pairs likely counted twice mended: {pairs}"
        )
