"""Creating and changing projects (one at a time from the form and API, many at once from
an import)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.accounts.permissions import regions_for, require_editor
from investrack.core import audit
from investrack.core.bulk import insert_rows
from investrack.core.models import AuditEntry
from investrack.projects.investor_keys import credit_code_clean
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    Investor,
    Project,
    Stage,
    StageEvent,
)
from investrack.projects.rules import (
    check_planned_dates,
    check_stage_dates,
    creation_stage_errors,
    fill_skipped_stages,
)
from investrack.projects.services.common import (
    AUDITED_FIELDS,
    EDITABLE_FIELDS,
    FOREIGN_KEYS,
    check_editor_may_place,
    check_version,
    today,
)
from investrack.projects.services.investors import with_investor
from investrack.projects.write import current_write, project_write
from investrack.regions.models import Region

# --- the project itself ------------------------------------------------------------------


def project_create(
    *,
    actor: User,
    data: dict,
    stage: int = Stage.LEAD,
    stage_dates: dict | None = None,
    tags: Iterable = (),
    linked_leaders: Iterable = (),
    note: str = "",
) -> Project:
    """Create a project at ``stage``; every stage up to it gets an event with its date.

    ``stage_dates`` maps stages to dates: from 签约 on the current stage's is required (a
    lead's or a negotiation's defaults to today), none of a stage not reached is taken
    (``rules.creation_stage_errors``), and a stage without a date takes the date of the
    next later stage that has one.
    """
    check_editor_may_place(actor, region=data.get("region"), park=data.get("park"))
    check_planned_dates(data)
    stage = Stage(int(stage))
    given = {int(k): v for k, v in (stage_dates or {}).items() if v}
    errors = creation_stage_errors(stage, given)
    if errors:
        raise ValidationError(errors)
    dates = fill_skipped_stages(
        from_stage=Stage.LEAD,
        to_stage=stage,
        effective_date=given.get(stage, today()),
        given=given,
    )
    check_stage_dates(dates)
    with project_write(actor) as write:
        data = with_investor(data)
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

    def next(self, region: Region, year: int) -> str:
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
    ordered = sorted(n for n in names if n)
    found: dict[str, Investor] = {}
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        existing = {i.name: i for i in Investor.objects.filter(name__in=chunk)}
        new = [Investor.named(n) for n in chunk if n not in existing]
        Investor.objects.bulk_create(new, ignore_conflicts=True)
        Investor.objects.mark_namesakes(keys=[i.name_key for i in new])
        found.update({i.name: i for i in Investor.objects.filter(name__in=chunk)})
    return found


def _investors_by_credit_code(rows: list[dict], by_name: dict[str, Investor]) -> dict:
    """``{"code:<code>": investor}`` for the rows giving a credit code, by the rule of
    ``investor_for_name`` in bulk: a known code names its investor; a new one goes on the
    investor named in the row (refused if that one has another code)."""
    wanted = {
        row["investor_credit_code"]: row.get("investor") or ""
        for row in rows
        if row.get("investor_credit_code")
    }
    if not wanted:
        return {}
    found = {i.credit_code: i for i in Investor.objects.filter(credit_code__in=list(wanted))}
    coded: list[tuple[str, int]] = []
    for code, name in wanted.items():
        if code in found or name not in by_name:
            continue
        investor = by_name[name]
        if investor.credit_code and investor.credit_code != code:
            raise ValidationError(
                {
                    "investor_credit_code": _(
                        "%(investor)s is registered with the code %(code)s; the city bureau "
                        "corrects the register."
                    )
                    % {"investor": investor.name, "code": investor.credit_code}
                }
            )
        investor.credit_code = credit_code_clean(code)
        coded.append((investor.credit_code, investor.pk))
        found[code] = investor
    # One UPDATE sent many times (a sheet of new investors gives each its code: one save
    # apiece took 5 s for 30,000 of them); the names, and so their keys, are unchanged.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Investor._meta.db_table} SET credit_code = %s WHERE id = %s", coded
        )
    Investor.objects.mark_namesakes(codes=[code for code, _pk in coded])
    return {f"code:{code}": investor for code, investor in found.items()}


@transaction.atomic  # the investors it names are created in the same transaction
def project_create_many(
    *,
    actor: User,
    rows: list[dict],
    action: str = AuditEntry.Action.CREATE,
    chunk: int = 2000,
    progress: Callable[[int], None] | None = None,
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
    investors.update(_investors_by_credit_code(rows, investors))
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

    def related(value: models.Model) -> str:
        key = (type(value), value.pk)
        if key not in names:
            names[key] = str(value)
        return names[key]

    converters: dict[str, Callable[[Any], str]] = {}
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


def _create_chunk(
    actor: User,
    rows: list[dict],
    allowed_regions: set[int],
    investors: dict[str, Investor],
    codes: _ProjectCodes,
    now: datetime.date,
    moment: datetime.datetime,
    action: str,
) -> int:
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
        given: dict[int, datetime.date] = {
            s: row[f] for s, f in STAGE_DATE_FIELD.items() if s <= stage and row.get(f)
        }
        dates = fill_skipped_stages(
            from_stage=Stage.LEAD, to_stage=stage, effective_date=given.get(stage, now), given=given
        )
        check_stage_dates(dates, now=now)
        data = {k: v for k, v in row.items() if k in EDITABLE_FIELDS}
        data["investor"] = investors.get(f"code:{row.get('investor_credit_code') or ''}") or (
            investors.get(row.get("investor") or "")
        )
        data["code"] = row.get("code") or codes.next(region, now.year)
        for key in ("description", "national_code", "source_channel", "phase_label"):
            data[key] = data.get(key) or ""
        changes: dict[str, list] = {}
        values: dict[str, Any] = {}
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
    # The new rows' ids, by their codes: every id given after the highest one now is
    # greater than it (looked up by the 2,000 codes instead, 9 % of an import went in
    # preparing the codes as parameters).
    before = Project.objects.aggregate(highest=models.Max("pk"))["highest"] or 0
    insert_rows(Project, projects)
    ids = dict(Project.objects.filter(pk__gt=before).values_list("code", "id"))
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
    actor: User,
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
        check_version(locked, expected_version)
        data = with_investor(data)
        # The user must be allowed both where the project is and where it is moved to.
        check_editor_may_place(actor, region=locked.region, park=locked.park)
        region = data.get("region", locked.region)
        park = data.get("park", locked.park)
        check_editor_may_place(actor, region=region, park=park)
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
