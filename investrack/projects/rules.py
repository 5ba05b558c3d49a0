"""The lifecycle's rules as pure functions of a project's values: the services apply them
(with their messages), the importer plans with them, and the pages offer only the actions
they allow (no stage numbers in templates)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.units import format_date
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    Project,
    Stage,
    StageEvent,
)

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


def progress_refusal(
    project: Project, period: datetime.date, *, now: datetime.date | None = None
) -> str | None:
    """Why a progress report of ``project`` for the month of ``period`` cannot be taken, or
    None: the month has begun, construction has started, and not after that month."""
    now = now or timezone.localdate()
    if period.replace(day=1) > now.replace(day=1):
        return _("You cannot report a month that has not begun.")
    if not may_report_progress(project):
        return _("Progress is reported once construction has started.")
    if project.started_on and period.replace(day=1) < project.started_on.replace(day=1):
        return _("Construction started on %(date)s, after this month.") % {
            "date": format_date(project.started_on)
        }
    return None


def allowed_actions(project: Project) -> set[str]:
    """What the project page offers (to an editor): ``advance``, ``progress``, ``stall``, ``drop``."""
    rules = {
        "advance": may_advance,
        "progress": may_report_progress,
        "stall": may_mark_stalled,
        "drop": may_drop,
    }
    return {name for name, rule in rules.items() if rule(project)}


def advance_refusal(project: Project, to_stage: int) -> str | None:
    """Why ``project`` cannot move on to ``to_stage`` now, or None: a dropped project does
    not move; a stage already reached is not reached again (that is a correction)."""
    if project.is_dropped:
        return _("This project was dropped; correct the drop before moving it on.")
    if to_stage <= project.stage:
        return _(
            "The project is already at “%(current)s”: it cannot move back to “%(target)s”. "
            "If an earlier entry was wrong, record a correction of it."
        ) % {"current": Stage(project.stage).label, "target": Stage(to_stage).label}
    return None


# --- the stage columns, from the events ------------------------------------------------


def stage_columns(
    events: Sequence[StageEvent], *, stage_since: datetime.date | None = None
) -> dict:
    """A project's stage columns derived from its events, in the order they were recorded:
    each stage's date from its latest valid advance, the drop, the stall. A correction
    moves the date of the event it corrects, or (``retracts``) takes the event back. The
    services keep the columns with it; the record clock replays it on the events known by
    a day."""
    latest_correction: dict[int, StageEvent] = {}
    for event in events:
        if event.kind == StageEvent.Kind.CORRECTION and event.corrects_id:
            latest_correction[event.corrects_id] = event

    def effective(event: StageEvent) -> datetime.date | None:
        correction = latest_correction.get(event.pk)
        if correction is None:
            return event.effective_date
        return None if correction.retracts else correction.effective_date

    stage_dates: dict[int, datetime.date] = {}
    dropped: tuple[datetime.date, str] | None = None
    stalled: tuple[bool, str] | None = None
    for event in events:
        when = effective(event)
        if when is None:
            continue
        if event.kind == StageEvent.Kind.ADVANCE and event.stage is not None:
            stage_dates[event.stage] = when
        elif event.kind == StageEvent.Kind.DROP:
            dropped = (when, event.note)
        elif event.kind in (StageEvent.Kind.STALL, StageEvent.Kind.UNSTALL):
            stalled = (event.kind == StageEvent.Kind.STALL, event.note)
    current = max(stage_dates) if stage_dates else Stage.LEAD
    values: dict[str, object] = {
        field: stage_dates.get(stage) for stage, field in STAGE_DATE_FIELD.items()
    }
    values.update(
        stage=current,
        stage_since=stage_dates.get(current, stage_since),
        dropped_on=dropped[0] if dropped else None,
        drop_reason=dropped[1] if dropped else "",
        is_stalled=bool(stalled and stalled[0]),
        stalled_reason=stalled[1] if stalled and stalled[0] else "",
    )
    return values


# --- dates ------------------------------------------------------------------------------


def creation_stage_errors(stage: int, dates: dict) -> dict[str, str]:
    """A new project at ``stage`` (form, API and import alike): from 签约 on, the figures
    count it on the date it reached its stage, so that date is given (a lead's or a
    negotiation's defaults to today); no stage it has not reached has a date. ``dates``
    maps stages to dates (None for none); errors are keyed by date field."""
    errors = {}
    field = STAGE_DATE_FIELD[Stage(stage)]
    if stage >= Stage.SIGNED and not dates.get(stage):
        errors[field] = _("Enter the date the project reached “%(stage)s”.") % {
            "stage": Stage(stage).label
        }
    for later in Stage:
        if later > stage and dates.get(later):
            errors[STAGE_DATE_FIELD[later]] = _(
                "The project has not reached “%(stage)s”: leave this date empty."
            ) % {"stage": later.label}
    return errors


def check_planned_dates(values: dict) -> None:
    errors = {}
    last_label, last_value = None, None
    for name in PLANNED_DATE_FIELD.values():
        label = Project._meta.get_field(name).verbose_name  # type: ignore[union-attr]
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
                        "previous": Stage(previous_stage or 0).label,
                        "previous_date": format_date(previous_date),
                    }
                }
            )
        previous_stage, previous_date = stage, value


def fill_skipped_stages(
    *, from_stage: int, to_stage: int, effective_date: datetime.date, given: dict | None
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
