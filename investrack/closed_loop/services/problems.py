"""Problems (闭环服务) through their lifecycle: raise, accept, start, note, resolve, confirm or
reopen, reassign, escalate. Problem events are append-only; each step checks who may take it
and refuses a stale version."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from investrack.accounts.models import Department, Person, User
from investrack.accounts.permissions import (
    is_bureau,
    may_close,
    may_handle,
    require_editor,
)
from investrack.closed_loop.models import (
    OPEN_STATUSES,
    Escalation,
    Notification,
    Problem,
    ProblemAttachment,
    ProblemEvent,
    ProblemStatus,
)
from investrack.closed_loop.notifications import notify
from investrack.closed_loop.services.people import (
    MAX_WORKING_DAYS,
    StaleRecordError,
    bureau_users,
    handlers_of,
    leader_users,
    today,
)
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.core.units import format_date
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar
from investrack.projects.models import Project
from investrack.projects.write import writes_project_of

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


def _check_assignee(department: Department, assignee: Person | None) -> None:
    if assignee is not None and assignee.department_id != department.pk:
        raise ValidationError(
            {
                "assignee": _("%(person)s does not work in %(department)s.")
                % {"person": assignee, "department": department}
            }
        )


def _save_attachments(problem: Problem, files: Iterable[UploadedFile], actor: User) -> None:
    for upload in files or []:
        ProblemAttachment.objects.create(
            problem=problem,
            file=upload,
            original_name=(upload.name or "")[:255],
            uploaded_by=actor,
        )


def _step(problem: Problem, *, kind: str, actor: User | None, text: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem, kind=kind, text=text, status_after=problem.status, actor=actor
    )


def _tell_handlers(problem: Problem, *, kind: str, key: str, title: str, body: str = "") -> None:
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
    actor: User,
    project: Project,
    title: str,
    description: str,
    category: str,
    department: Department,
    working_days: int,
    urgency: int = 1,
    assignee: Person | None = None,
    files: Iterable[UploadedFile] = (),
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


def _locked(problem: Problem, version: int | None) -> Problem:
    locked = (
        Problem.objects.select_for_update().select_related("project__region").get(pk=problem.pk)
    )
    if version is not None and int(version) != locked.version:
        raise StaleRecordError()
    return locked


def _refuse_status(problem: Problem, action: str) -> ValidationError:
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
    problem: Problem,
    *,
    actor: User,
    version: int | None,
    allowed: Iterable[str],
    may: Callable[[User, Problem], bool],
    refusal: str,
    status: str,
    kind: str,
    action: str,
    text: str = "",
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
def problem_accept(
    *, actor: User, problem: Problem, version: int | None = None, text: str = ""
) -> Problem:
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
def problem_start(
    *, actor: User, problem: Problem, version: int | None = None, text: str = ""
) -> Problem:
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
def problem_note(
    *, actor: User, problem: Problem, text: str, files: Iterable[UploadedFile] = ()
) -> ProblemEvent:
    """A progress note (and files) on an open problem, by its handlers or its raisers."""
    if not (may_handle(actor, problem) or may_close(actor, problem)):
        raise PermissionDenied(_("You may not write on this problem."))
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    _save_attachments(problem, files, actor)
    return _step(problem, kind=ProblemEvent.Kind.NOTE, actor=actor, text=text.strip())


@writes_project_of("problem")
def problem_resolve(
    *,
    actor: User,
    problem: Problem,
    reply: str,
    version: int | None = None,
    files: Iterable[UploadedFile] = (),
) -> Problem:
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
def problem_confirm(
    *, actor: User, problem: Problem, version: int | None = None, text: str = ""
) -> Problem:
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
def problem_reopen(
    *, actor: User, problem: Problem, reason: str, version: int | None = None
) -> Problem:
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
    actor: User,
    problem: Problem,
    department: Department,
    working_days: int,
    reason: str,
    assignee: Person | None = None,
    version: int | None = None,
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
