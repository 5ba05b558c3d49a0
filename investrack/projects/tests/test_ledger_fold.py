"""The daily fold of a kept ledger (map cells, stage totals): every key keeps its sum in
one row, a key summing to nothing goes, and a row alone on its key is left as it is."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investrack.projects.map_cells import KEY, map_cells_fold
from investrack.projects.models import MapCell

# A few cells, one outside the parks (a key holding NULL).
CELLS = [(lon, park) for lon in ("120.61", "120.62") for park in (None, "park")]


def _sums() -> dict[tuple, tuple[int, Decimal]]:
    summed: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for cell in MapCell.objects.all():
        into = summed[tuple(getattr(cell, k) for k in KEY)]
        into[0] += cell.projects
        into[1] += cell.investment
    return {key: (n, a) for key, (n, a) in summed.items() if n or a}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ledger=st.lists(
        st.tuples(st.integers(0, len(CELLS) - 1), st.integers(-2, 3), st.integers(-2, 3)),
        max_size=14,
    )
)
def test_the_fold_keeps_every_keys_sum_in_one_row(county, park, ledger):
    MapCell.objects.all().delete()
    for cell, projects, amount in ledger:
        lon, in_park = CELLS[cell]
        MapCell.objects.create(
            region=county, park=park if in_park else None, category="manufacturing",
            longitude=Decimal(lon), latitude=Decimal("28.00"), light=0,
            projects=projects, investment=Decimal(amount) * 10_000,
        )  # fmt: skip
    before = _sums()
    alone = {
        (cell.pk, cell.projects, cell.investment)
        for cell in MapCell.objects.all()
        if MapCell.objects.filter(**{k: getattr(cell, k) for k in KEY}).count() == 1
        and (cell.projects or cell.investment)
    }
    rows = MapCell.objects.count()

    assert map_cells_fold() == (rows, len(before))

    assert _sums() == before
    assert MapCell.objects.count() == len(before)  # one row per key, none for a zero
    left = {(cell.pk, cell.projects, cell.investment) for cell in MapCell.objects.all()}
    assert alone <= left  # untouched


@pytest.mark.django_db
def test_a_key_of_one_row_summing_to_nothing_goes(county):
    MapCell.objects.create(
        region=county, category="manufacturing", longitude=Decimal("120.61"),
        latitude=Decimal("28.00"), projects=0, investment=0,
    )  # fmt: skip
    assert map_cells_fold() == (1, 0)
    assert not MapCell.objects.exists()
