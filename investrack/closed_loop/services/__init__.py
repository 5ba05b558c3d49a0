"""Writes of the closed loop: problems through their lifecycle, the recorded lights, and
approval checklists.

Every write checks who may do it (``accounts.permissions``), refuses a stale version,
records the step (problem events are append-only; approval items are audited field by
field) and tells the people concerned, all in one transaction.

- ``people``: who handles and who is told
- ``problems``: raise, accept, start, note, resolve, confirm, reopen, reassign, escalate
- ``light_records``: the lights recorded for today (kept by the project write hook)
- ``approvals``: approval checklists and their items
"""

from investrack.closed_loop.services.approvals import (  # noqa: F401
    approval_checklist_create,
    approval_item_update,
)
from investrack.closed_loop.services.light_records import (  # noqa: F401
    light_totals_expected,
    light_totals_fold,
    light_totals_kept,
    light_totals_rebuild,
    lights_outdated,
    lights_record,
)
from investrack.closed_loop.services.people import (  # noqa: F401
    MAX_WORKING_DAYS,
    StaleRecordError,
    bureau_users,
    department_users,
    handlers_of,
    leader_users,
    today,
)
from investrack.closed_loop.services.problems import (  # noqa: F401
    problem_accept,
    problem_confirm,
    problem_escalate,
    problem_note,
    problem_raise,
    problem_reassign,
    problem_reopen,
    problem_resolve,
    problem_start,
)
