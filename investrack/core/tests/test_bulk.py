"""``among``: the rows of a set of ids, as a range when the ids nearly fill one."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investrack.core.bulk import among
from investrack.core.models import AuditEntry


@pytest.fixture
def entries(db):
    AuditEntry.objects.bulk_create(
        [AuditEntry(table="t", object_id=n, action="create") for n in range(400)]
    )
    return list(AuditEntry.objects.order_by("object_id").values_list("object_id", flat=True))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    low=st.integers(0, 399),
    length=st.integers(0, 400),
    left_out=st.sets(st.integers(0, 399), max_size=40),
    far=st.sets(st.integers(0, 399), max_size=3),
)
def test_among_selects_exactly_the_ids_given(entries, low, length, left_out, far):
    # A run of ids with some left out (an import's new projects, mostly), and a few others.
    wanted = (set(range(low, min(low + length, 400))) - left_out) | far
    found = AuditEntry.objects.filter(among("object_id", wanted)).values_list(
        "object_id", flat=True
    )
    assert sorted(found) == sorted(wanted)


def test_a_run_of_ids_is_asked_as_a_range_less_its_gaps():
    condition = among("pk", [*range(1000, 1500), *range(1501, 2000)])
    assert "pk__gte" in str(condition) and len(str(condition)) < 200  # not 999 values
