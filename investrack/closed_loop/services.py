"""Writes of the closed loop: problems through their lifecycle, and approval checklists.

Every write checks who may do it, refuses a stale version, records the step (problem
events are append-only; approval items are audited field by field) and tells the people
concerned, all in one transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import Role, User
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.core.permissions import require_editor
from investrack.core.units import format_date
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar
from investrack.projects.models import Project
from investrack.projects.write import writes_project_of
from investrack.service.lights import LightBook
from investrack.service.models import (
    OPEN_STATUSES,
    ApprovalItem,
    ApprovalTemplate,
    Escalation,
    Light,
    LightChange,
    LightsRecorded,
    Notification,
    Problem,
    ProblemAttachment,
    ProblemEvent,
    ProblemStatus,
    ProjectLight,
)
from investrack.service.notifications import notify, notify_many
from investrack.service.rules import approval_date_errors

MAX_WORKING_DAYS = 60


class StaleProblemError(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else acted on this after you opened it. Nothing was saved: look at "
                "its current state, then try again."
            ),
            code="concurrent_edit",
        )


def today() -> datetime.date:
    return timezone.localdate()


# --- who may do what ---------------------------------------------------------------------


def is_bureau(user) -> bool:
    return user.is_superuser or user.role == Role.CITY_ADMIN


def may_handle(user, problem: Problem) -> bool:
    """The assigned department's staff work on a problem; the city bureau may step in."""
    return is_bureau(user) or (
        user.role == Role.DEPARTMENT_STAFF and user.department_id == problem.department_id
    )


def may_close(user, problem: Problem) -> bool:
    """The raising side (the raiser, or an editor of the project's jurisdiction) confirms."""
    return is_bureau(user) or user.pk == problem.raised_by_id or user.role == Role.COUNTY_STAFF


def department_users(department_id) -> Iterable[User]:
    return User.objects.filter(
        department_id=department_id, role=Role.DEPARTMENT_STAFF, is_active=True
    )


def bureau_users(project: Project):
    """The city bureau of the project's city: its administrators."""
    region = project.region
    return User.objects.filter(
        role=Role.CITY_ADMIN, is_active=True, region_id__in=[region.parent_id, region.pk]
    )


def leader_users(project: Project):
    return User.objects.filter(person__linked_projects=project, is_active=True)


def handlers_of(problem: Problem) -> list:
    users = list(department_users(problem.department_id))
    if problem.assignee_id and problem.assignee.user_id:
        users.append(problem.assignee.user_id)
    return users


# --- problems ------------------------------------------------------------------------------


def _deadline(start: datetime.date, working_days: int) -> datetime.date:
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {
                "working_days": _("Allow between 1 and %(max)s working days.")
                % {"max": MAX_WORKING_DAYS}
            }
        )
    try:
        return WorkCalendar().add(start, working_days)
    except UnknownHolidayYear as exc:
        raise ValidationError({"working_days": exc.messages}) from exc


def _check_assignee(department, assignee) -> None:
    if assignee is not None and assignee.department_id != department.pk:
        raise ValidationError(
            {
                "assignee": _("%(person)s does not work in %(department)s.")
                % {"person": assignee, "department": department}
            }
        )


def _save_attachments(problem: Problem, files, actor) -> None:
    for upload in files or []:
        ProblemAttachment.objects.create(
            problem=problem, file=upload, original_name=upload.name[:255], uploaded_by=actor
        )


def _step(problem: Problem, *, kind: str, actor, text: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem, kind=kind, text=text, status_after=problem.status, actor=actor
    )


def _tell_handlers(problem: Problem, *, kind: str, key: str, title: str, body: str = ""):
    notify(
        users=handlers_of(problem),
        kind=kind,
        key=key,
        title=title,
        body=body,
        url=problem.get_absolute_url(),
    )


def _assigned_message(problem: Problem) -> tuple[str, str]:
    title = _("New problem for %(department)s: %(title)s (%(project)s)") % {
        "department": problem.department,
        "title": problem.title,
        "project": problem.project,
    }
    body = _("Deadline %(deadline)s (%(days)s working days). %(description)s") % {
        "deadline": format_date(problem.deadline),
        "days": problem.working_days,
        "description": problem.description,
    }
    return title, body


@transaction.atomic
def problem_raise(
    *,
    actor,
    project: Project,
    title: str,
    description: str,
    category: str,
    department,
    working_days: int,
    urgency: int = 1,
    assignee=None,
    files=(),
) -> Problem:
    """Raise a problem on a project (visible to ``actor``) and assign it to a department."""
    require_editor(actor)
    if project.is_dropped:
        raise ValidationError(_("This project was dropped: no problem can be raised on it."))
    _check_assignee(department, assignee)
    raised_on = today()
    problem = Problem(
        project=project,
        title=title.strip(),
        description=description.strip(),
        category=category,
        urgency=urgency,
        department=department,
        assignee=assignee,
        working_days=working_days,
        raised_on=raised_on,
        assigned_on=raised_on,
        deadline=_deadline(raised_on, working_days),
        raised_by=actor,
    )
    problem.full_clean()
    problem.save()
    _step(problem, kind=ProblemEvent.Kind.RAISED, actor=actor, text=problem.description)
    _save_attachments(problem, files, actor)
    audit.record(
        actor=actor,
        instance=problem,
        action=AuditEntry.Action.CREATE,
        changes=audit.diff(
            {},
            audit.snapshot(
                problem, ["title", "category", "urgency", "department", "assignee", "deadline"]
            ),
        ),
    )
    title_text, body = _assigned_message(problem)
    _tell_handlers(
        problem,
        kind=Notification.Kind.ASSIGNED,
        key=f"problem:{problem.pk}:assigned:{problem.department_id}",
        title=title_text,
        body=body,
    )
    return problem


def _locked(problem: Problem, version) -> Problem:
    locked = (
        Problem.objects.select_for_update().select_related("project__region").get(pk=problem.pk)
    )
    if version is not None and int(version) != locked.version:
        raise StaleProblemError()
    return locked


def _refuse_status(problem: Problem, action: str):
    return ValidationError(
        _("This problem is “%(status)s”: it cannot be %(action)s now.")
        % {"status": problem.get_status_display(), "action": action},
        code="illegal_step",
    )


def _save(problem: Problem, fields: list[str]) -> None:
    problem.version = F("version") + 1
    problem.save(update_fields=[*fields, "version"])
    problem.refresh_from_db(fields=["version"])


def _step_to(
    problem, *, actor, version, allowed, may, refusal, status, kind, action, text=""
) -> Problem:
    """Lock, check who and from where, move to ``status`` and record the step."""
    problem = _locked(problem, version)
    if not may(actor, problem):
        raise PermissionDenied(refusal)
    if problem.status not in allowed:
        raise _refuse_status(problem, action)
    problem.status = status
    fields = ["status"]
    if status == ProblemStatus.CONFIRMED:
        problem.confirmed_on = today()
        fields.append("confirmed_on")
    _save(problem, fields)
    _step(problem, kind=kind, actor=actor, text=text)
    return problem


@transaction.atomic
def problem_accept(*, actor, problem: Problem, version=None, text: str = "") -> Problem:
    return _step_to(
        problem,
        actor=actor,
        version=version,
        allowed=[ProblemStatus.RAISED],
        may=may_handle,
        refusal=_("Only the assigned department works on this problem."),
        status=ProblemStatus.ACCEPTED,
        kind=ProblemEvent.Kind.ACCEPTED,
        action=_("accepted"),
        text=text,
    )


@transaction.atomic
def problem_start(*, actor, problem: Problem, version=None, text: str = "") -> Problem:
    return _step_to(
        problem,
        actor=actor,
        version=version,
        allowed=[ProblemStatus.RAISED, ProblemStatus.ACCEPTED],
        may=may_handle,
        refusal=_("Only the assigned department works on this problem."),
        status=ProblemStatus.IN_PROGRESS,
        kind=ProblemEvent.Kind.STARTED,
        action=_("started"),
        text=text,
    )


@transaction.atomic
def problem_note(*, actor, problem: Problem, text: str, files=()) -> ProblemEvent:
    """A progress note (and files) on an open problem, by its handlers or its raisers."""
    if not (may_handle(actor, problem) or may_close(actor, problem)):
        raise PermissionDenied(_("You may not write on this problem."))
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    _save_attachments(problem, files, actor)
    return _step(problem, kind=ProblemEvent.Kind.NOTE, actor=actor, text=text.strip())


@writes_project_of("problem")
def problem_resolve(*, actor, problem: Problem, reply: str, version=None, files=()) -> Problem:
    problem = _locked(problem, version)
    if not may_handle(actor, problem):
        raise PermissionDenied(_("Only the assigned department works on this problem."))
    if problem.status not in (ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS):
        raise _refuse_status(problem, _("resolved"))
    if not reply.strip():
        raise ValidationError({"reply": _("Say how the problem was solved.")})
    problem.status = ProblemStatus.RESOLVED
    problem.reply = reply.strip()
    problem.resolved_on = today()
    _save(problem, ["status", "reply", "resolved_on"])
    _save_attachments(problem, files, actor)
    event = _step(problem, kind=ProblemEvent.Kind.RESOLVED, actor=actor, text=problem.reply)
    notify(
        users=[problem.raised_by_id],
        kind=Notification.Kind.RESOLVED,
        key=f"problem:{problem.pk}:resolved:{event.pk}",
        title=_("Resolved, please confirm: %(title)s (%(project)s)")
        % {"title": problem.title, "project": problem.project},
        body=problem.reply,
        url=problem.get_absolute_url(),
    )
    return problem


@transaction.atomic
def problem_confirm(*, actor, problem: Problem, version=None, text: str = "") -> Problem:
    return _step_to(
        problem,
        actor=actor,
        version=version,
        allowed=[ProblemStatus.RESOLVED],
        may=may_close,
        refusal=_("The side that raised the problem confirms it is solved."),
        status=ProblemStatus.CONFIRMED,
        kind=ProblemEvent.Kind.CONFIRMED,
        action=_("confirmed"),
        text=text,
    )


@writes_project_of("problem")
def problem_reopen(*, actor, problem: Problem, reason: str, version=None) -> Problem:
    """Not solved after all: back to the department, with a fresh deadline."""
    problem = _locked(problem, version)
    if not may_close(actor, problem):
        raise PermissionDenied(_("The side that raised the problem confirms or reopens it."))
    if problem.status != ProblemStatus.RESOLVED:
        raise _refuse_status(problem, _("reopened"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the problem is not solved.")})
    problem.status = ProblemStatus.IN_PROGRESS
    problem.resolved_on = None
    problem.assigned_on = today()
    problem.deadline = _deadline(problem.assigned_on, problem.working_days)
    problem.escalation = Escalation.NONE
    _save(problem, ["status", "resolved_on", "assigned_on", "deadline", "escalation"])
    event = _step(problem, kind=ProblemEvent.Kind.REOPENED, actor=actor, text=reason.strip())
    _tell_handlers(
        problem,
        kind=Notification.Kind.REOPENED,
        key=f"problem:{problem.pk}:reopened:{event.pk}",
        title=_("Reopened: %(title)s (%(project)s)")
        % {"title": problem.title, "project": problem.project},
        body=_("%(reason)s New deadline %(deadline)s.")
        % {"reason": reason.strip(), "deadline": format_date(problem.deadline)},
    )
    return problem


@writes_project_of("problem")
def problem_reassign(
    *,
    actor,
    problem: Problem,
    department,
    working_days: int,
    reason: str,
    assignee=None,
    version=None,
) -> Problem:
    """The city bureau routes a problem to another department, with a fresh deadline."""
    problem = _locked(problem, version)
    if not is_bureau(actor):
        raise PermissionDenied(_("The city bureau routes problems to departments."))
    if problem.status not in OPEN_STATUSES:
        raise _refuse_status(problem, _("reassigned"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the problem goes to another department.")})
    _check_assignee(department, assignee)
    before = audit.snapshot(problem, ["department", "assignee", "deadline"])
    problem.department = department
    problem.assignee = assignee
    problem.working_days = working_days
    problem.assigned_on = today()
    problem.deadline = _deadline(problem.assigned_on, working_days)
    problem.status = ProblemStatus.RAISED
    problem.escalation = Escalation.NONE
    _save(
        problem,
        [
            "department",
            "assignee",
            "working_days",
            "assigned_on",
            "deadline",
            "status",
            "escalation",
        ],
    )
    _step(problem, kind=ProblemEvent.Kind.REASSIGNED, actor=actor, text=reason.strip())
    audit.record(
        actor=actor,
        instance=problem,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(problem, ["department", "assignee", "deadline"])),
    )
    title, body = _assigned_message(problem)
    _tell_handlers(
        problem,
        kind=Notification.Kind.ASSIGNED,
        key=f"problem:{problem.pk}:assigned:{problem.department_id}:{problem.assigned_on}",
        title=title,
        body=body,
    )
    return problem


@transaction.atomic
def problem_escalate(*, problem: Problem, to: int, as_of: datetime.date) -> bool:
    """Escalate an overdue problem one level (the daily job). False if already there."""
    problem = (
        Problem.objects.select_for_update().select_related("project__region").get(pk=problem.pk)
    )
    if problem.escalation >= to or problem.status not in OPEN_STATUSES:
        return False
    problem.escalation = to
    _save(problem, ["escalation"])
    days = (as_of - problem.deadline).days
    text = _("%(days)s days past the deadline of %(deadline)s: %(level)s.") % {
        "days": days,
        "deadline": format_date(problem.deadline),
        "level": problem.get_escalation_display(),
    }
    _step(problem, kind=ProblemEvent.Kind.ESCALATED, actor=None, text=text)
    project = problem.project
    users = list(bureau_users(project)) if to == Escalation.BUREAU else list(leader_users(project))
    notify(
        users=users + handlers_of(problem),
        kind=Notification.Kind.ESCALATED,
        key=f"problem:{problem.pk}:escalated:{to}:{problem.deadline}",
        title=_("Overdue and escalated: %(title)s (%(project)s, %(department)s)")
        % {"title": problem.title, "project": project, "department": problem.department},
        body=text,
        url=problem.get_absolute_url(),
    )
    return True


# --- lights -------------------------------------------------------------------------------

CHUNK = 5000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def lights_record(*, as_of: datetime.date | None = None, project_ids=None) -> dict:
    """Compare the lights as of ``as_of`` (today) with those last recorded, of every project
    or of ``project_ids``; record each change and tell the linked leaders and the
    responsible person of each project that turned red. A run over every project makes
    the recorded lights current for the date."""
    as_of = as_of or today()
    book = LightBook.load(as_of, live=True)
    projects = Project.objects.filter(dropped_on__isnull=True)
    recorded = ProjectLight.objects.all()
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
        recorded = recorded.filter(project_id__in=project_ids)
    lit = book.filter(projects, Light.YELLOW)
    # {project: (light, county, park)}, now and as last recorded.
    now = {
        pk: place
        for pk, *place in book.annotate(lit)
        .order_by()
        .values_list("pk", "light", "region_id", "park_id")
        .iterator(chunk_size=CHUNK)
    }
    before = {
        pk: place
        for pk, *place in recorded.values_list(
            "project_id", "light", "region_id", "park_id"
        ).iterator(chunk_size=CHUNK)
    }
    changed = [pk for pk, (light, *_place) in now.items() if before.get(pk, (0,))[0] != light]
    moved = [pk for pk, (light, *place) in now.items()
             if pk in before and before[pk][0] == light and before[pk][1:] != place]  # fmt: skip
    cleared = [pk for pk in before if pk not in now]
    changes = [
        LightChange(project_id=pk, on=as_of, before=before.get(pk, (0,))[0], after=now[pk][0])
        for pk in changed
    ]
    changes += [
        LightChange(project_id=pk, on=as_of, before=before[pk][0], after=0) for pk in cleared
    ]
    LightChange.objects.bulk_create(changes, batch_size=CHUNK)
    for chunk in _chunks(cleared):
        ProjectLight.objects.filter(project_id__in=chunk).delete()
    ProjectLight.objects.bulk_create(
        [
            ProjectLight(
                project_id=pk,
                light=now[pk][0],
                since=as_of,
                region_id=now[pk][1],
                park_id=now[pk][2],
            )
            for pk in changed
        ],  # fmt: skip
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["light", "since", "region", "park"],
    )
    ProjectLight.objects.bulk_update(  # same light, another county or park: same date
        [ProjectLight(project_id=pk, region_id=now[pk][1], park_id=now[pk][2]) for pk in moved],
        ["region", "park"],
        batch_size=CHUNK,
    )
    turned_red = [pk for pk in changed if now[pk][0] == Light.RED]
    _tell_turned_red(turned_red, as_of)
    if project_ids is None:
        LightsRecorded.objects.update_or_create(on=as_of, defaults={"is_current": True})
    return {
        "lit": len(now),
        "red": sum(1 for light, *_place in now.values() if light == Light.RED),
        "changed": len(changed) + len(cleared),
        "turned_red": len(turned_red),
    }


def lights_outdated() -> None:
    """Rules or standards changed: lists compute every light afresh until the next run."""
    LightsRecorded.objects.update(is_current=False)


def _tell_turned_red(project_ids: list[int], as_of: datetime.date) -> None:
    link = Project.linked_leaders.through
    for chunk in _chunks(project_ids):
        people = defaultdict(set)
        for project_id, user_id in link.objects.filter(
            project_id__in=chunk, person__user__isnull=False
        ).values_list("project_id", "person__user_id"):
            people[project_id].add(user_id)
        projects = Project.objects.filter(pk__in=chunk).values_list(
            "pk", "name", "responsible_person__user_id"
        )
        rows = []
        for pk, name, responsible in projects:
            users = people[pk] | ({responsible} if responsible else set())
            rows += [
                Notification(
                    user_id=user_id,
                    kind=Notification.Kind.TURNED_RED,
                    key=f"light:{pk}:red:{as_of}",
                    title=_("Red light: %(project)s") % {"project": name},
                    body=_("The project turned red on %(date)s.") % {"date": format_date(as_of)},
                    url=reverse("projects:detail", args=[pk]),
                )
                for user_id in users
            ]
        notify_many(rows)


# --- approval agency (代办) -------------------------------------------------------------

APPROVAL_FIELDS = ["status", "submitted_on", "approved_on", "agent", "note", "document_name"]


@transaction.atomic
def approval_checklist_create(*, actor, project: Project) -> int:
    """Add the approval items of the project's category from the templates; items already
    on the checklist are left as they are. Returns how many were added."""
    require_editor(actor)
    existing = set(project.approval_items.values_list("name", flat=True))
    templates = ApprovalTemplate.objects.filter(category__in=["", project.category])
    items = [t.item_for(project.pk) for t in templates if t.name not in existing]
    ApprovalItem.objects.bulk_create(items)
    for item in ApprovalItem.objects.filter(project=project, name__in=[i.name for i in items]):
        audit.record(
            actor=actor,
            instance=item,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff({}, audit.snapshot(item, ["name", "status"])),
        )
    return len(items)


def may_update_approval(user, item: ApprovalItem) -> bool:
    return user.can_edit_projects or (
        user.role == Role.DEPARTMENT_STAFF and user.department_id == item.department_id
    )


@transaction.atomic
def approval_item_update(
    *,
    actor,
    item: ApprovalItem,
    status: str,
    submitted_on=None,
    approved_on=None,
    agent=None,
    note: str = "",
    document=None,
    version=None,
) -> ApprovalItem:
    item = ApprovalItem.objects.select_for_update().get(pk=item.pk)
    if not may_update_approval(actor, item):
        raise PermissionDenied(_("Your role may not change approval items."))
    if version is not None and int(version) != item.version:
        raise StaleProblemError()
    errors = approval_date_errors(
        status=status, submitted_on=submitted_on, approved_on=approved_on, today=today()
    )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item, APPROVAL_FIELDS)
    item.status = status
    item.submitted_on = submitted_on
    item.approved_on = approved_on
    item.agent = agent
    item.note = note.strip()
    if document is not None:
        item.document = document
        item.document_name = document.name[:255]
    changes = audit.diff(before, audit.snapshot(item, APPROVAL_FIELDS))
    if not changes and document is None:  # an unchanged form writes nothing
        return item
    item.version = F("version") + 1
    item.save()
    item.refresh_from_db()
    audit.record(actor=actor, instance=item, action=AuditEntry.Action.UPDATE, changes=changes)
    return item
