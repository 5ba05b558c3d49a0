"""Importing the sheets counties send: projects (with their stage dates) and monthly progress.

Two steps. :func:`import_preview` stores the file as an :class:`ImportBatch` and works out
what it would do — rows to create, update or leave unchanged, and every error by row
number and by the header as the user wrote it — without writing a project. Then
:func:`import_confirm` reads the stored file again (the database may have moved on since
the preview), plans it again and, only if no row has an error, writes everything in one
transaction through the project services; otherwise it writes nothing and says why.

- ``columns``: the sheets' columns, stage and category names in either language
- ``read``: one row into the values the services take
- ``plan``: the dry run through the services' rules (``projects.rules``)
- ``run``: preview, confirm, the batches
"""

from investrack.projects.imports.columns import (  # noqa: F401
    PROGRESS_COLUMNS,
    PROJECT_COLUMNS,
    stage_names,
)
from investrack.projects.imports.plan import Plan, plan_progress, plan_projects  # noqa: F401
from investrack.projects.imports.run import (  # noqa: F401
    MAX_FILE_SIZE,
    confirm_run,
    earlier_import,
    import_batches_visible_to,
    import_confirm,
    import_preview,
    preview_run,
    progress_key,
    recover_interrupted,
)
