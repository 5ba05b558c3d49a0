"""Every write to a project goes through these functions.

Each one checks jurisdiction and the lifecycle rules (``projects.rules``), writes the
change inside the write hook (``projects.write``: lock, version, audit, totals, lights)
and keeps the project's stage columns in step with its events, all in one transaction.
Views, the API, importers and management commands call these and nothing else.

- ``common``: editable fields, jurisdiction check, version check
- ``projects``: create (one, many), update
- ``stages``: advance, correct/retract, drop, stall
- ``progress``: monthly progress reports
- ``investors``: investors named on projects
"""

from investrack.projects.services.common import (  # noqa: F401
    AUDITED_FIELDS,
    EDITABLE_FIELDS,
    FOREIGN_KEYS,
    M2M_FIELDS,
    ConcurrentEditError,
    today,
)
from investrack.projects.services.investors import (  # noqa: F401
    InvestorName,
    investor_for_name,
)
from investrack.projects.services.progress import progress_report_submit  # noqa: F401
from investrack.projects.services.projects import (  # noqa: F401
    project_create,
    project_create_many,
    project_update,
)
from investrack.projects.services.stages import (  # noqa: F401
    project_drop,
    project_set_stalled,
    stage_advance,
    stage_correct,
)
from investrack.projects.totals import (  # noqa: F401 - the services name the maintenance too
    SHARE_KEY,
    progress_totals_rebuild,
    stage_shares,
    stage_totals_fold,
    stage_totals_rebuild,
)
