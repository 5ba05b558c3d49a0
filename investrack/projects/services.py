"""Every write to a project goes through these functions.

Each one checks jurisdiction and the lifecycle rules, writes the change, keeps the
denormalised stage columns of the project in step with its events, and appends the
audit entry, all in one transaction. Views, the API, importers and management
commands call these and nothing else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core import audit
from investrack.core.bulk import insert_rows
from investrack.core.models import AuditEntry
from investrack.core.permissions import regions_for, require_editor, user_may_place
from investrack.core.units import format_date
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    EvidenceFile,
    Investor,
    ProgressReport,
    Project,
    Stage,
    StageEvent,
)
from investrack.projects.rules import (
    check_planned_dates,
    check_stage_dates,
    fill_skipped_stages,
    may_advance,
    may_drop,
    may_report_progress,
)
from investrack.projects.totals import (  # noqa: F401 - the services name the maintenance too
    SHARE_KEY,
    _shares_of,
    progress_totals_rebuild,
    stage_shares,
    stage_totals_fold,
    stage_totals_rebuild,
)
from investrack.projects.write import current_write, project_write, writes_project

# The fields a user edits on the project form; everything else is kept by the services.
EDITABLE_FIELDS = [
    "name",
    "code",
    "national_code",
    "investor",
    "category",
    "industry",
    "chain_link",
    "region",
    "park",
    "total_investment",
    "foreign_investment",
    "foreign_currency",
    "land_area",
    "expected_annual_output",
    "expected_annual_tax",
    "source_channel",
    "description",
    "planned_sign_date",
    "planned_start_date",
    "planned_completion_date",
    "planned_production_date",
    "phase_of",
    "phase_label",
    "responsible_person",
    "lead_department",
]
M2M_FIELDS = ["tags", "linked_leaders"]
FOREIGN_KEYS = {
    f.name for f in Project._meta.concrete_fields if f.is_relation and f.name in EDITABLE_FIELDS
}
AUDITED_FIELDS = EDITABLE_FIELDS + M2M_FIELDS


class ConcurrentEditError(ValidationError):
    """Somebody else saved the project after this user opened it."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this project after you opened it. Your changes were not "
                "saved: look at the current version, then apply your changes again."
            ),
            code="concurrent_edit",
        )


def today() -> datetime.date:
    return timezone.localdate()


# --- jurisdiction and rules shared by every write -----------------------------------------


def _check_editor_may_place(actor, *, region, park) -> None:
    require_editor(actor)
    if region is None:
        raise ValidationError({"region": _("Choose the region of the project.")})
    if park is not None and park.region_id != region.pk:
        raise ValidationError(
            {
                "park": _("The park %(park)s is not in %(region)s.")
                % {"park": park, "region": region}
            }
        )
    if not user_may_place(actor, region=region, park=park):
        raise PermissionDenied(_("This region or park is outside your jurisdiction."))


def _lock(project: Project) -> Project:
    """The project as the write hook locked it (its row is held until the transaction ends)."""
    return current_write().locked[project.pk]


def _check_version(locked: Project, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != locked.version:
        raise ConcurrentEditError()


# --- the project itself ------------------------------------------------------------------


def project_create(
    *,
    actor,
    data: dict,
    stage: int = Stage.LEAD,
    stage_dates: dict | None = None,
    tags: Iterable = (),
    linked_leaders: Iterable = (),
    note: str = "",
) -> Project:
    """Create a project at ``stage``; every stage up to it gets an event with its date.

    ``stage_dates`` maps stages to dates; the current stage defaults to today and a stage
    without a date takes the date of the next later stage that has one.
    """
    _check_editor_may_place(actor, region=data.get("region"), park=data.get("park"))
    check_planned_dates(data)
    stage = Stage(int(stage))
    given = {int(k): v for k, v in (stage_dates or {}).items() if v}
    dates = fill_skipped_stages(
        from_stage=Stage.LEAD,
        to_stage=stage,
        effective_date=given.get(stage, today()),
        given=given,
    )
    check_stage_dates(dates)
    with project_write(actor) as write:
        project = Project(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
        if not project.code and project.region_id:
            project.code = _ProjectCodes(set()).next(project.region, today().year)
        project.created_by = actor
        project.stage = stage
        project.stage_since = dates[stage]
        for s, d in dates.items():
            setattr(project, STAGE_DATE_FIELD[Stage(s)], d)
        project.full_clean(exclude=["stage_since"])
        project.save()
        write.created([project.pk])
        project.tags.set(tags)
        project.linked_leaders.set(linked_leaders)
        StageEvent.objects.bulk_create(
            [
                StageEvent(
                    project=project,
                    kind=StageEvent.Kind.ADVANCE,
                    stage=s,
                    effective_date=d,
                    note=note if s == stage else "",
                    recorded_by=actor,
                )
                for s, d in sorted(dates.items())
            ]
        )
        audit.record(
            actor=actor,
            instance=project,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff({}, audit.snapshot(project, AUDITED_FIELDS)),
        )
    return project


class _ProjectCodes:
    """Codes for projects that came without one: 330302-2026-0000001 … One query per county
    and year finds where the numbering stands; codes already taken are skipped."""

    def __init__(self, taken: set[str]):
        self.taken = taken
        self.last: dict[str, int] = {}

    def next(self, region, year: int) -> str:
        prefix = f"{region.code}-{year}-"
        if prefix not in self.last:
            last = (
                Project.objects.filter(code__startswith=prefix)
                .order_by("-code")
                .values_list("code", flat=True)
                .first()
            )
            tail = last.rsplit("-", 1)[1] if last else ""
            self.last[prefix] = int(tail) if tail.isdigit() else 0
        while True:
            self.last[prefix] += 1
            code = f"{prefix}{self.last[prefix]:07d}"
            if code not in self.taken:
                self.taken.add(code)
                return code


def _investors_by_name(names: set[str]) -> dict[str, Investor]:
    """Investors by name, the missing ones created, in a few queries."""
    names = sorted(n for n in names if n)
    found: dict[str, Investor] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        existing = {i.name: i for i in Investor.objects.filter(name__in=chunk)}
        Investor.objects.bulk_create(
            [Investor(name=n) for n in chunk if n not in existing], ignore_conflicts=True
        )
        found.update({i.name: i for i in Investor.objects.filter(name__in=chunk)})
    return found


@transaction.atomic  # the investors it names are created in the same transaction
def project_create_many(
    *,
    actor,
    rows: list[dict],
    action: str = AuditEntry.Action.CREATE,
    chunk: int = 2000,
    progress=None,
) -> int:
    """Create many projects at once (an import), with the rules of :func:`project_create`.

    Each row holds the project's fields (``investor`` as a name), ``stage`` and the dates of
    the stages reached (``signed_on`` …). Every project gets its stage events and its audit
    entry. Rows go to the database with one prepared INSERT per table.
    """
    require_editor(actor)
    if not rows:
        return 0
    allowed_regions = set(regions_for(actor).values_list("pk", flat=True))
    now, moment = today(), timezone.now()
    investors = _investors_by_name({row.get("investor") or "" for row in rows})
    given_codes = [row["code"] for row in rows if row.get("code")]
    for start in range(0, len(given_codes), 500):
        clash = (
            Project.objects.filter(code__in=given_codes[start : start + 500])
            .values_list("code", flat=True)
            .first()
        )
        if clash:
            raise ValidationError(
                {"code": _("The code %(code)s is already used.") % {"code": clash}}
            )
    codes = _ProjectCodes(set(given_codes))
    created = 0
    with project_write(actor):
        for start in range(0, len(rows), chunk):
            created += _create_chunk(
                actor,
                rows[start : start + chunk],
                allowed_regions,
                investors,
                codes,
                now,
                moment,
                action,
            )
            if progress is not None:  # called with the rows written, chunk by chunk
                progress(min(chunk, len(rows) - start))
    return created


def _audit_converters() -> dict:
    """How each created field is written in the audit entry, as :func:`audit.snapshot` would,
    without its per-value type tests (an import writes millions of values)."""
    names: dict = {}

    def related(value):
        key = (type(value), value.pk)
        if key not in names:
            names[key] = str(value)
        return names[key]

    converters = {}
    for field in Project._meta.concrete_fields:
        if field.name not in EDITABLE_FIELDS:
            continue
        if field.is_relation:
            converters[field.name] = related
        elif field.get_internal_type() == "DecimalField":
            converters[field.name] = audit.plain
        elif field.get_internal_type() == "DateField":
            converters[field.name] = datetime.date.isoformat
    return converters


def _create_chunk(actor, rows, allowed_regions, investors, codes, now, moment, action) -> int:
    projects, stage_dates, audited = [], [], []
    to_audit = _audit_converters()
    for row in rows:
        region, park = row.get("region"), row.get("park")
        if region is None or region.pk not in allowed_regions:
            raise PermissionDenied(_("This region or park is outside your jurisdiction."))
        if actor.park_id and (park is None or park.pk != actor.park_id):
            raise PermissionDenied(_("This region or park is outside your jurisdiction."))
        if park is not None and park.region_id != region.pk:
            raise ValidationError(
                {
                    "park": _("The park %(park)s is not in %(region)s.")
                    % {"park": park, "region": region}
                }
            )
        check_planned_dates(row)
        stage = int(row.get("stage") or Stage.LEAD)
        given = {s: row.get(f) for s, f in STAGE_DATE_FIELD.items() if s <= stage and row.get(f)}
        dates = fill_skipped_stages(
            from_stage=Stage.LEAD, to_stage=stage, effective_date=given.get(stage, now), given=given
        )
        check_stage_dates(dates, now=now)
        data = {k: v for k, v in row.items() if k in EDITABLE_FIELDS}
        data["investor"] = investors.get(row.get("investor") or "")
        data["code"] = row.get("code") or codes.next(region, now.year)
        for key in ("description", "national_code", "source_channel", "phase_label"):
            data[key] = data.get(key) or ""
        changes, values = {}, {}
        for key, value in data.items():
            if key in FOREIGN_KEYS:
                values[f"{key}_id"] = value.pk if value is not None else None
            else:
                values[key] = value
            if value is not None and value != "":
                convert = to_audit.get(key)
                changes[key] = [None, convert(value) if convert else value]
        audited.append(changes)
        values.update(
            created_by_id=actor.pk,
            stage=stage,
            stage_since=dates[stage],
            created_at=moment,
            updated_at=moment,
        )
        for s, d in dates.items():
            values[STAGE_DATE_FIELD[s]] = d
        projects.append(values)
        stage_dates.append(dates)
    insert_rows(Project, projects)
    codes = [p["code"] for p in projects]
    ids = {}
    for start in range(0, len(codes), 500):
        ids.update(
            Project.objects.filter(code__in=codes[start : start + 500]).values_list("code", "id")
        )
    insert_rows(
        StageEvent,
        (
            {
                "project_id": ids[values["code"]],
                "kind": StageEvent.Kind.ADVANCE,
                "stage": int(s),
                "effective_date": d,
                "recorded_by_id": actor.pk,
                "recorded_at": moment,
            }
            for values, dates in zip(projects, stage_dates, strict=True)
            for s, d in sorted(dates.items())
        ),
    )
    insert_rows(
        AuditEntry,
        (
            {
                "table": Project._meta.label_lower,
                "object_id": ids[values["code"]],
                "action": action,
                "actor_id": actor.pk if actor.pk else None,
                "at": moment,
                "changes": changes,
            }
            for values, changes in zip(projects, audited, strict=True)
        ),
    )
    current_write().created(ids.values())
    return len(projects)


def project_update(
    *,
    actor,
    project: Project,
    data: dict,
    expected_version: int,
    tags: Iterable | None = None,
    linked_leaders: Iterable | None = None,
    action: str = AuditEntry.Action.UPDATE,
) -> Project:
    """Change a project's fields. Refused if someone else saved it since ``expected_version``.
    An unchanged save writes nothing (the write hook finds no difference)."""
    with project_write(actor, [project.pk], audit=action) as write:
        locked = write.locked[project.pk]
        _check_version(locked, expected_version)
        # The user must be allowed both where the project is and where it is moved to.
        _check_editor_may_place(actor, region=locked.region, park=locked.park)
        region = data.get("region", locked.region)
        park = data.get("park", locked.park)
        _check_editor_may_place(actor, region=region, park=park)
        for name, value in data.items():
            if name in EDITABLE_FIELDS:
                setattr(locked, name, value)
        check_planned_dates({f: getattr(locked, f) for f in PLANNED_DATE_FIELD.values()})
        if locked.phase_of_id == locked.pk:
            raise ValidationError({"phase_of": _("A project cannot be a phase of itself.")})
        locked.full_clean()
        locked.save()
        if tags is not None:
            locked.tags.set(tags)
        if linked_leaders is not None:
            locked.linked_leaders.set(linked_leaders)
    locked.refresh_from_db()
    return locked


# --- stage events ------------------------------------------------------------------------


def _recompute(project: Project) -> Project:
    """Derive the stage columns from the events: the stage is the latest valid event."""
    events = list(project.events.order_by("id"))
    latest_correction: dict[int, StageEvent] = {}
    for event in events:
        if event.kind == StageEvent.Kind.CORRECTION and event.corrects_id:
            latest_correction[event.corrects_id] = event

    def effective(event):
        correction = latest_correction.get(event.pk)
        if correction is None:
            return event.effective_date
        return None if correction.retracts else correction.effective_date

    stage_dates: dict[int, datetime.date] = {}
    dropped = None
    stalled = None
    for event in events:
        when = effective(event)
        if when is None:
            continue
        if event.kind == StageEvent.Kind.ADVANCE:
            stage_dates[event.stage] = when
        elif event.kind == StageEvent.Kind.DROP:
            dropped = (when, event.note)
        elif event.kind in (StageEvent.Kind.STALL, StageEvent.Kind.UNSTALL):
            stalled = (event.kind == StageEvent.Kind.STALL, event.note)
    current = max(stage_dates) if stage_dates else Stage.LEAD
    values = {field: stage_dates.get(stage) for stage, field in STAGE_DATE_FIELD.items()}
    values.update(
        stage=current,
        stage_since=stage_dates.get(current, project.stage_since),
        dropped_on=dropped[0] if dropped else None,
        drop_reason=dropped[1] if dropped else "",
        is_stalled=bool(stalled and stalled[0]),
        stalled_reason=stalled[1] if stalled and stalled[0] else "",
    )
    Project.objects.filter(pk=project.pk).update(**values)
    project.refresh_from_db()
    return project


def _save_evidence(event: StageEvent, files: Iterable) -> None:
    for upload in files or ():
        EvidenceFile.objects.create(event=event, file=upload, original_name=upload.name[:255])


@writes_project
def stage_advance(
    *,
    actor,
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
    locked = _lock(project)
    _check_version(locked, expected_version)
    _check_editor_may_place(actor, region=locked.region, park=locked.park)
    to_stage = Stage(int(to_stage))
    if not may_advance(locked) and locked.is_dropped:
        raise ValidationError(
            {"to_stage": _("This project was dropped; correct the drop before moving it on.")}
        )
    if to_stage <= locked.stage:
        raise ValidationError(
            {
                "to_stage": _(
                    "The project is already at “%(current)s”: it cannot move back to "
                    "“%(target)s”. If an earlier entry was wrong, record a correction of it."
                )
                % {"current": Stage(locked.stage).label, "target": to_stage.label}
            }
        )
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
    actor,
    project: Project,
    event: StageEvent,
    reason: str,
    new_date: datetime.date | None = None,
    retract: bool = False,
    evidence: Iterable = (),
) -> Project:
    """Correct a wrong entry: give it a new date, or retract it. The wrong entry stays visible."""
    locked = _lock(project)
    _check_editor_may_place(actor, region=locked.region, park=locked.park)
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
        dates[event.stage] = new_date
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
    *, actor, project: Project, effective_date: datetime.date, reason: str, evidence=()
) -> Project:
    """终止: drop a project that has not reached production, with a reason."""
    locked = _lock(project)
    _check_editor_may_place(actor, region=locked.region, park=locked.park)
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
    *, actor, project: Project, stalled: bool, reason: str = "", effective_date=None
) -> Project:
    """Set or clear the 停滞 (stalled) flag; both are events in the timeline."""
    locked = _lock(project)
    _check_editor_may_place(actor, region=locked.region, park=locked.park)
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


# --- monthly progress --------------------------------------------------------------------


@writes_project
def progress_report_submit(
    *,
    actor,
    project: Project,
    period: datetime.date,
    investment_completed,
    construction_progress: int,
    foreign_investment_arrived=None,
    note: str = "",
) -> ProgressReport:
    """Report a month's progress of a started project. One report per project and month."""
    _check_editor_may_place(actor, region=project.region, park=project.park)
    period = period.replace(day=1)
    if period > today().replace(day=1):
        raise ValidationError({"period": _("You cannot report a month that has not begun.")})
    if not may_report_progress(project):
        raise ValidationError({"period": _("Progress is reported once construction has started.")})
    if project.started_on and period < project.started_on.replace(day=1):
        raise ValidationError(
            {
                "period": _("Construction started on %(date)s, after this month.")
                % {"date": format_date(project.started_on)}
            }
        )
    if ProgressReport.objects.filter(project=project, period=period).exists():
        raise ValidationError({"period": _("This month has already been reported.")})
    report = ProgressReport(
        project=project,
        period=period,
        investment_completed=investment_completed,
        construction_progress=construction_progress,
        foreign_investment_arrived=foreign_investment_arrived,
        note=note,
        reported_by=actor,
    )
    report.full_clean()
    report.save()
    current_write().reports_added([report])
    return report


def investor_for_name(*, name: str, origin: str):
    """The investor of that name, created on first mention; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    investor, _created = Investor.objects.get_or_create(name=name, defaults={"origin": origin})
    return investor
