"""The lifecycle's rules as the pages and the services apply them."""

import pytest

from investrack.projects.models import Project, Stage
from investrack.projects.rules import allowed_actions


@pytest.mark.parametrize(
    ("stage", "dropped", "expected"),
    [
        (Stage.LEAD, False, {"advance", "stall", "drop"}),
        (Stage.STARTED, False, {"advance", "progress", "stall", "drop"}),
        (Stage.PRODUCTION, False, {"advance", "progress", "stall"}),
        (Stage.FULL_OUTPUT, False, {"progress", "stall"}),
        (Stage.SIGNED, True, set()),
        (Stage.STARTED, True, {"progress"}),  # a dropped project's past months may be reported
    ],
)
def test_the_page_offers_what_the_rules_allow(stage, dropped, expected):
    import datetime

    project = Project(stage=stage, dropped_on=datetime.date(2026, 1, 5) if dropped else None)
    assert allowed_actions(project) == expected
