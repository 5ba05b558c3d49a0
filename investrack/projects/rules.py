"""The lifecycle's rules as pure functions of a project's values: the services apply them
(with their messages), the importer plans with them, and the pages offer only the actions
they allow (no stage numbers in templates)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.units import format_date
from investrack.projects.models import PLANNED_DATE_FIELD, STAGE_DATE_FIELD, Project, Stage

# --- what may be done to a project now --------------------------------------------------


def may_advance(project: Project) -> bool:
    """A stage change can be recorded: not dropped, not yet at full output."""
    return not project.is_dropped and project.stage < Stage.FULL_OUTPUT


def may_drop(project: Project) -> bool:
    """终止: only before production."""
    return not project.is_dropped and project.stage < Stage.PRODUCTION


def may_report_progress(project: Project) -> bool:
    """Monthly progress is reported once construction has started."""
    return project.stage >= Stage.STARTED


def may_mark_stalled(project: Project) -> bool:
    return not project.is_dropped


def allowed_actions(project: Project) -> set[str]:
    """What the project page offers (to an editor): ``advance``, ``progress``, ``stall``, ``drop``."""
    rules = {
        "advance": may_advance,
        "progress": may_report_progress,
        "stall": may_mark_stalled,
        "drop": may_drop,
    }
    return {name for name, rule in rules.items() if rule(project)}


# --- dates ------------------------------------------------------------------------------


def check_planned_dates(values: dict) -> None:
    errors = {}
    last_label, last_value = None, None
    for name in PLANNED_DATE_FIELD.values():
        label = Project._meta.get_field(name).verbose_name
        value = values.get(name)
        if value is None:
            continue
        if last_value is not None and value < last_value:
            errors[name] = _(
                "The %(this)s (%(this_date)s) is before the %(that)s (%(that_date)s)."
            ) % {
                "this": label,
                "this_date": format_date(value),
                "that": last_label,
                "that_date": format_date(last_value),
            }
        last_label, last_value = label, value
    if errors:
        raise ValidationError(errors)


def check_stage_dates(
    dates: dict[int, datetime.date], *, field: str | None = None, now: datetime.date | None = None
) -> None:
    """Stage dates must not lie in the future and must follow the order of the lifecycle.

    Errors name ``field``, or else the date field of the stage at fault.
    """
    now = now or timezone.localdate()
    # The latest stage first: an earlier stage without a date of its own took its date.
    for stage in sorted(dates, reverse=True):
        if dates[stage] > now:
            raise ValidationError(
                {
                    field or STAGE_DATE_FIELD[Stage(stage)]: _(
                        "The date of “%(stage)s” (%(date)s) is in the future."
                    )
                    % {"stage": Stage(stage).label, "date": format_date(dates[stage])}
                }
            )
    previous_stage, previous_date = None, None
    for stage in sorted(dates):
        value = dates[stage]
        if previous_date is not None and value < previous_date:
            at = field or STAGE_DATE_FIELD[Stage(stage)]
            raise ValidationError(
                {
                    at: _(
                        "“%(stage)s” (%(date)s) cannot be before “%(previous)s” (%(previous_date)s)."
                    )
                    % {
                        "stage": Stage(stage).label,
                        "date": format_date(value),
                        "previous": Stage(previous_stage).label,
                        "previous_date": format_date(previous_date),
                    }
                }
            )
        previous_stage, previous_date = stage, value


def fill_skipped_stages(
    *, from_stage: int, to_stage: int, effective_date, given: dict | None
) -> dict[int, datetime.date]:
    """Dates for every stage from ``from_stage`` to ``to_stage``: a skipped stage without a date
    of its own takes the date of the next stage that has one."""
    given = {int(k): v for k, v in (given or {}).items() if v}
    dates: dict[int, datetime.date] = {to_stage: effective_date}
    carry = effective_date
    for stage in range(to_stage - 1, from_stage - 1, -1):
        carry = given.get(stage, carry)
        dates[stage] = carry
    return dates
