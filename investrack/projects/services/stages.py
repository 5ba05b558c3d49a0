"""Stage events: advance, correct or retract, drop, stall; the project's stage columns are
derived from its events."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.core.units import format_date
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    EvidenceFile,
    Project,
    Stage,
    StageEvent,
)
from investrack.projects.rules import (
    advance_refusal,
    check_stage_dates,
    fill_skipped_stages,
    may_drop,
    stage_columns,
)
from investrack.projects.services.common import (
    check_editor_may_place,
    check_version,
    locked_row,
    today,
)
from investrack.projects.write import writes_project

# --- stage events ------------------------------------------------------------------------


def _recompute(project: Project) -> Project:
    """Derive the stage columns from the events: the stage is the latest valid event."""
    values = stage_columns(list(project.events.order_by("id")), stage_since=project.stage_since)
    Project.objects.filter(pk=project.pk).update(**values)
    project.refresh_from_db()
    return project


def _save_evidence(event: StageEvent, files: Iterable) -> None:
    for upload in files or ():
        EvidenceFile.objects.create(event=event, file=upload, original_name=upload.name[:255])


@writes_project
def stage_advance(
    *,
    actor: User,
    project: Project,
    to_stage: int,
    effective_date: datetime.date,
    note: str = "",
    skipped_dates: dict | None = None,
    evidence: Iterable = (),
    expected_version: int | None = None,
) -> Project:
    """Record that the project reached ``to_stage`` on ``effective_date``.

    Stages in between are recorded too, each with its date from ``skipped_dates`` or else
    the date of the next later stage. Moving backwards is refused: that is a correction.
    """
    locked = locked_row(project)
    check_version(locked, expected_version)
    check_editor_may_place(actor, region=locked.region, park=locked.park)
    to_stage = Stage(int(to_stage))
    refusal = advance_refusal(locked, to_stage)
    if refusal:
        raise ValidationError({"to_stage": refusal})
    if effective_date is None:
        raise ValidationError({"effective_date": _("Enter the date the stage was reached.")})
    new_dates = fill_skipped_stages(
        from_stage=locked.stage + 1,
        to_stage=to_stage,
        effective_date=effective_date,
        given=skipped_dates,
    )
    check_stage_dates({locked.stage: locked.stage_since, **new_dates}, field="effective_date")
    created = StageEvent.objects.bulk_create(
        [
            StageEvent(
                project=locked,
                kind=StageEvent.Kind.ADVANCE,
                stage=s,
                effective_date=d,
                note=note,
                recorded_by=actor,
            )
            for s, d in sorted(new_dates.items())
        ]
    )
    # Both supported backends return ids from bulk_create.
    _save_evidence(next(e for e in created if e.stage == to_stage), evidence)
    return _recompute(locked)


@writes_project
def stage_correct(
    *,
    actor: User,
    project: Project,
    event: StageEvent,
    reason: str,
    new_date: datetime.date | None = None,
    retract: bool = False,
    evidence: Iterable = (),
) -> Project:
    """Correct a wrong entry: give it a new date, or retract it. The wrong entry stays visible."""
    locked = locked_row(project)
    check_editor_may_place(actor, region=locked.region, park=locked.park)
    if event.project_id != locked.pk:
        raise ValidationError(_("That entry belongs to another project."))
    if event.kind == StageEvent.Kind.CORRECTION:
        raise ValidationError(_("Correct the original entry, not a correction."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry was wrong.")})
    if not retract and new_date is None:
        raise ValidationError({"new_date": _("Enter the correct date, or retract the entry.")})
    if event.kind == StageEvent.Kind.ADVANCE and retract:
        if event.stage != locked.stage:
            raise ValidationError(
                _("Only the current stage can be retracted; retract “%(current)s” first.")
                % {"current": Stage(locked.stage).label}
            )
        if event.stage == Stage.LEAD:
            raise ValidationError(_("The first stage of a project cannot be retracted."))
    if event.kind == StageEvent.Kind.ADVANCE and not retract:
        dates = {s: getattr(locked, f) for s, f in STAGE_DATE_FIELD.items() if getattr(locked, f)}
        dates[int(event.stage or 0)] = new_date
        check_stage_dates(dates, field="new_date")
    elif new_date is not None and new_date > today():
        raise ValidationError({"new_date": _("The date cannot be in the future.")})
    correction = StageEvent.objects.create(
        project=locked,
        kind=StageEvent.Kind.CORRECTION,
        stage=event.stage,
        effective_date=new_date or event.effective_date,
        corrects=event,
        retracts=retract,
        note=reason,
        recorded_by=actor,
    )
    _save_evidence(correction, evidence)
    return _recompute(locked)


@writes_project
def project_drop(
    *,
    actor: User,
    project: Project,
    effective_date: datetime.date,
    reason: str,
    evidence: Iterable[UploadedFile] = (),
) -> Project:
    """终止: drop a project that has not reached production, with a reason."""
    locked = locked_row(project)
    check_editor_may_place(actor, region=locked.region, park=locked.park)
    if not may_drop(locked):
        raise ValidationError(
            _("This project is already dropped.")
            if locked.is_dropped
            else _("A project in production cannot be dropped.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the project was dropped.")})
    if effective_date > today():
        raise ValidationError({"effective_date": _("The date cannot be in the future.")})
    if effective_date < locked.stage_since:
        raise ValidationError(
            {
                "effective_date": _(
                    "The project reached its current stage on %(date)s, after this date."
                )
                % {"date": format_date(locked.stage_since)}
            }
        )
    event = StageEvent.objects.create(
        project=locked,
        kind=StageEvent.Kind.DROP,
        effective_date=effective_date,
        note=reason,
        recorded_by=actor,
    )
    _save_evidence(event, evidence)
    return _recompute(locked)


@writes_project
def project_set_stalled(
    *,
    actor: User,
    project: Project,
    stalled: bool,
    reason: str = "",
    effective_date: datetime.date | None = None,
) -> Project:
    """Set or clear the 停滞 (stalled) flag; both are events in the timeline."""
    locked = locked_row(project)
    check_editor_may_place(actor, region=locked.region, park=locked.park)
    if stalled == locked.is_stalled:
        raise ValidationError(
            _("The project is already marked stalled.")
            if stalled
            else _("The project is not marked stalled.")
        )
    if stalled and not reason.strip():
        raise ValidationError({"reason": _("Say why the project is stalled.")})
    effective_date = effective_date or today()
    if effective_date > today():
        raise ValidationError({"effective_date": _("The date cannot be in the future.")})
    StageEvent.objects.create(
        project=locked,
        kind=StageEvent.Kind.STALL if stalled else StageEvent.Kind.UNSTALL,
        effective_date=effective_date,
        note=reason,
        recorded_by=actor,
    )
    return _recompute(locked)
