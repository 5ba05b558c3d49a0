"""The bureau's decisions on the conflict queue, and telling those concerned."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from investrack.accounts.models import Role, User
from investrack.accounts.permissions import is_bureau
from investrack.closed_loop.models import Notification
from investrack.closed_loop.notifications import notify
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.core.units import format_date
from investrack.projects import services as project_services
from investrack.projects.models import Project
from investrack.projects.services.common import check_editor_may_place
from investrack.promotion.conflicts import Conflict, conflict_between, lead_conflicts
from investrack.promotion.models import LeadDecision, Visit

Outcome = LeadDecision.Outcome


def _told(project: Project) -> set[int]:
    """Who hears of a lead's conflict: whoever registered it and its responsible person."""
    people = {project.created_by_id}
    if project.responsible_person_id and project.responsible_person.user_id:
        people.add(project.responsible_person.user_id)
    return {p for p in people if p}


def _bureau(project: Project) -> set[int]:
    return set(
        User.objects.filter(
            role=Role.CITY_ADMIN,
            is_active=True,
            park__isnull=True,
            region_id=project.region.parent_id,
        ).values_list("pk", flat=True)
    )


def lead_decide(
    *, actor: User, first_id: int, second_id: int, outcome: str, first_share=None, note: str = ""
) -> LeadDecision:
    """Arbitrate a conflict: keep, transfer (the dropped lead goes through the project
    services, its history kept), share or call distinct; both sides are told."""
    if not is_bureau(actor):
        raise PermissionDenied(_("Only the city bureau arbitrates conflicting leads."))
    with transaction.atomic():
        conflict = conflict_between(actor, first_id, second_id)
        if conflict is None:
            raise ValidationError(_("This conflict is no longer open: decided, or a lead changed."))
        if outcome == Outcome.SHARE and not first_share:
            raise ValidationError({"first_share": _("Give the first county's share (1–99 %).")})
        if outcome in (Outcome.FIRST_KEEPS, Outcome.TRANSFER) and not note.strip():
            raise ValidationError(
                {"note": _("Give the reasons: the county losing the lead reads them.")}
            )
        decision = LeadDecision.objects.create(
            first=conflict.first,
            second=conflict.second,
            outcome=outcome,
            first_share=first_share if outcome == Outcome.SHARE else None,
            note=note,
            decided_by=actor,
        )
        audit.record(
            actor=actor,
            instance=decision,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff(
                {}, audit.snapshot(decision, ["first", "second", "outcome", "first_share", "note"])
            ),
        )
        loser = {Outcome.FIRST_KEEPS: conflict.second, Outcome.TRANSFER: conflict.first}.get(
            outcome
        )
        if loser is not None:
            keeper = conflict.first if loser is conflict.second else conflict.second
            project_services.project_drop(
                actor=actor,
                project=loser,
                effective_date=project_services.today(),
                reason=_(
                    "Conflicting lead arbitrated by the city bureau: the investor's "
                    "lead belongs to %(county)s. %(note)s"
                )
                % {"county": keeper.region.name, "note": note},
            )
        _tell_decided(conflict, decision)
    return decision


def _tell_decided(conflict: Conflict, decision: LeadDecision) -> None:
    for project in (conflict.first, conflict.second):
        notify(
            users=_told(project),
            kind=Notification.Kind.LEAD_CONFLICT,
            key=f"lead-decided:{decision.pk}",
            title=_("Conflicting lead decided: %(investor)s") % {"investor": project.investor.name},
            body=decision.get_outcome_display() + ("\n" + decision.note if decision.note else ""),
            url=reverse("projects:detail", args=[project.pk]),
        )


def tell_new_conflicts() -> int:
    """The daily job: both counties' people and the bureau hear of each new conflict once."""
    told = 0
    for conflict in lead_conflicts(None):
        for project, other in (
            (conflict.first, conflict.second),
            (conflict.second, conflict.first),
        ):
            notify(
                users=_told(project),
                kind=Notification.Kind.LEAD_CONFLICT,
                key=f"lead-conflict:{conflict.key}",
                title=_("Another county has a lead of %(investor)s")
                % {"investor": project.investor.name},
                body=_(
                    "%(county)s registered a lead of the same investor on %(date)s; the city "
                    "bureau arbitrates."
                )
                % {
                    "county": other.region.name,
                    "date": format_date(other.lead_on or other.stage_since),
                },
                url=reverse("promotion:conflicts"),
            )
        notify(
            users=_bureau(conflict.first),
            kind=Notification.Kind.LEAD_CONFLICT,
            key=f"lead-conflict:{conflict.key}",
            title=_("Conflicting leads to arbitrate: %(investor)s")
            % {"investor": conflict.first.investor.name},
            url=reverse("promotion:conflicts"),
        )
        told += 1
    return told


@transaction.atomic
def visit_record(*, actor: User, project: Project, data: dict) -> Visit:
    """Log a visit or talk on a lead (any stage: talks go on after signing too)."""
    check_editor_may_place(actor, region=project.region, park=project.park)
    if project.is_dropped:
        raise ValidationError(_("This project was dropped: no visit can be logged on it."))
    visited_on = data["visited_on"]
    if visited_on > project_services.today():
        raise ValidationError({"visited_on": _("The date cannot be in the future.")})
    if bool(data.get("next_step", "").strip()) != bool(data.get("next_due")):
        raise ValidationError(
            {"next_due": _("A next step needs its due date, and a due date its step.")}
        )
    if data.get("next_due") and data["next_due"] < visited_on:
        raise ValidationError({"next_due": _("The next step cannot be due before the visit.")})
    visit = Visit.objects.create(project=project, recorded_by=actor, **data)
    if visit.next_owner_id and visit.next_owner_id != actor.pk:
        notify(
            users=[visit.next_owner_id],
            kind=Notification.Kind.VISIT_STEP,
            key=f"visit-step:{visit.pk}:assigned",
            title=_("Next step for %(project)s: %(step)s")
            % {"project": project.name, "step": visit.next_step},
            body=_("Due %(date)s.") % {"date": format_date(visit.next_due)},
            url=reverse("promotion:visits", args=[project.pk]),
        )
    return visit


def visit_steps_remind(*, as_of) -> int:
    """The daily job: each next step due within three days or overdue (up to a month) is in
    its owner's inbox, once per step and due date (the recorder's when no owner was named)."""
    soon = as_of + datetime.timedelta(days=3)
    steps = (
        Visit.objects.filter(next_due__lte=soon, next_due__gte=as_of - datetime.timedelta(days=30))
        .filter(project__dropped_on__isnull=True)
        .select_related("project")
    )
    told = 0
    for visit in steps.iterator():
        newer = Visit.objects.filter(project_id=visit.project_id, visited_on__gt=visit.visited_on)
        if newer.exists():
            continue  # a later visit took the talks further: its step is the one that counts
        notify(
            users=[visit.next_owner_id or visit.recorded_by_id],
            kind=Notification.Kind.VISIT_STEP,
            key=f"visit-step:{visit.pk}:{visit.next_due}",
            title=_("Next step due %(date)s: %(project)s")
            % {"date": format_date(visit.next_due), "project": visit.project.name},
            body=visit.next_step,
            url=reverse("promotion:visits", args=[visit.project_id]),
        )
        told += 1
    return told
