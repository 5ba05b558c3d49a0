"""The bureau's decisions on the conflict queue, and telling those concerned."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from investrack.accounts.models import Role, User
from investrack.accounts.permissions import is_bureau, require_editor
from investrack.closed_loop.models import Notification
from investrack.closed_loop.notifications import notify
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.core.units import format_date
from investrack.projects import services as project_services
from investrack.projects.investor_keys import investor_name_key
from investrack.projects.models import Project
from investrack.projects.services.common import check_editor_may_place
from investrack.projects.write import project_write
from investrack.promotion.conflicts import Conflict, conflict_between, lead_conflicts
from investrack.promotion.duplicates import candidate_between
from investrack.promotion.models import (
    DuplicateDecision,
    EventProject,
    InvestorContact,
    LeadDecision,
    PromotionEvent,
    TargetEnterprise,
    Visit,
)

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
    # Through the write hook: a visit clears the lead's "no contact" light at once.
    with project_write(actor, [project.pk]):
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
    # A later visit took the talks further: its step is the one that counts.
    newer = Visit.objects.filter(
        project_id=OuterRef("project_id"), visited_on__gt=OuterRef("visited_on")
    )
    steps = (
        Visit.objects.filter(next_due__lte=soon, next_due__gte=as_of - datetime.timedelta(days=30))
        .filter(project__dropped_on__isnull=True)
        .exclude(Exists(newer))
        .select_related("project")
    )
    told = 0
    for visit in steps.iterator():
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


def _organiser(actor: User):
    """The event's organiser is the recorder's jurisdiction: a park, a county or the city."""
    if actor.park_id:
        return actor.park.region, actor.park
    return actor.region, None


def event_record(*, actor: User, data: dict, projects, evidence=None) -> PromotionEvent:
    """Record a promotion event with the projects it brought or, for a mass ceremony, the
    projects that reached their stage on its day. All or nothing: a project refused (not
    in the actor's jurisdiction, already past the stage, dropped) writes nothing."""
    require_editor(actor)
    if data["held_on"] > project_services.today():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    region, park = _organiser(actor)
    with transaction.atomic():
        event = PromotionEvent(**data, region=region, park=park, recorded_by=actor)
        if evidence:
            event.evidence_name = evidence.name[:255]
            event.evidence = evidence
        event.save()
        event_add_projects(actor=actor, event=event, projects=projects)
    return event


def event_add_projects(*, actor: User, event: PromotionEvent, projects) -> int:
    """Link projects to the event; a ceremony moves each one to its stage on the event's
    date through the stage service (history, totals, lights, audit), sharing the event's
    evidence file. Each refusal is told by the project's name; then nothing is written."""
    require_editor(actor)
    stage = event.ceremony_stage
    already = set(event.links.values_list("project_id", flat=True))
    projects = [p for p in projects if p.pk not in already]
    if not projects:
        raise ValidationError({"projects": _("Choose at least one project not yet in the event.")})
    refused = []
    with transaction.atomic():
        for project in projects:
            try:
                if project.is_dropped:
                    raise ValidationError(_("it was dropped"))
                if stage is None:  # a lead it brought: linked, not changed
                    check_editor_may_place(actor, region=project.region, park=project.park)
                else:
                    project_services.stage_advance(
                        actor=actor,
                        project=project,
                        to_stage=stage,
                        effective_date=event.held_on,
                        note=f"{event.get_kind_display()}：{event.name}",
                    )
                    if event.evidence:
                        _share_evidence(event, project, stage)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", None) or [str(exc)]
                refused.append(f"{project.name}：{'；'.join(messages)}")
                continue
            EventProject.objects.create(event=event, project=project, added_by=actor)
        if refused:
            transaction.set_rollback(True)
    if refused:
        raise ValidationError({"projects": refused})
    return len(projects)


def _share_evidence(event: PromotionEvent, project: Project, stage) -> None:
    """The ceremony's file, once stored, also stands as the evidence of each project's
    stage event (the same file, not a copy)."""
    from investrack.projects.models import EvidenceFile, StageEvent

    stage_event = (
        StageEvent.objects.filter(project=project, stage=stage, kind=StageEvent.Kind.ADVANCE)
        .order_by("-pk")
        .first()
    )
    if stage_event is not None:
        EvidenceFile.objects.create(
            event=stage_event, file=event.evidence.name, original_name=event.evidence_name
        )


# --- investors' contacts (personal information) ------------------------------------------


def may_reveal(user: User, contact: InvestorContact) -> bool:
    """The city bureau, and the investment staff of the county that recorded the contact."""
    if not getattr(user, "is_authenticated", False) or not user.can_edit_projects:
        return False
    return is_bureau(user) or user.region_id == contact.region_id


def contact_add(*, actor: User, project: Project, data: dict) -> InvestorContact:
    """Record a contact of the project's investor, owned by the project's county."""
    check_editor_may_place(actor, region=project.region, park=project.park)
    if project.investor_id is None:
        raise ValidationError(_("Name the project's investor first, on the project's form."))
    if not (data.get("phone") or data.get("email")):
        raise ValidationError({"phone": _("Enter a phone number or an e-mail.")})
    return InvestorContact.objects.create(
        investor_id=project.investor_id, region=project.region, recorded_by=actor, **data
    )


def contact_reveal(*, actor: User, contact: InvestorContact, project: Project) -> InvestorContact:
    """The contact in full for one who may see it; the reveal is audited."""
    if not may_reveal(actor, contact):
        raise PermissionDenied(
            _("Only the county that recorded this contact, and the city bureau, see it in full.")
        )
    audit.record(
        actor=actor,
        instance=contact,
        action=AuditEntry.Action.VIEW,
        changes={"project": [None, project.pk]},
    )
    return contact


# --- target enterprises of the chains -------------------------------------------------


def target_add(*, actor: User, data: dict) -> TargetEnterprise:
    """Put an enterprise on a chain link's list to chase, for the actor's county (or city)."""
    require_editor(actor)
    name = data["name"].strip()
    key = investor_name_key(name)
    if TargetEnterprise.objects.filter(chain_link=data["chain_link"], name_key=key).exists():
        raise ValidationError({"name": _("This enterprise is already a target of this link.")})
    return TargetEnterprise.objects.create(
        **{**data, "name": name}, name_key=key, region=actor.region, added_by=actor
    )


def target_mark_contacted(*, actor: User, target: TargetEnterprise) -> TargetEnterprise:
    require_editor(actor)
    if not (is_bureau(actor) or actor.region_id == target.region_id):
        raise PermissionDenied(_("Only the county that chases this enterprise marks it."))
    if target.status != TargetEnterprise.Status.CONTACTED:
        target.status = TargetEnterprise.Status.CONTACTED
        target.save(update_fields=["status"])
    return target


# --- projects counted twice (重复统计) ----------------------------------------------------


def duplicate_decide(
    *, actor: User, first_id: int, second_id: int, outcome: str, note: str = ""
) -> DuplicateDecision:
    """The bureau's word on a likely duplicate: one counted twice (the later project is
    dropped through the project services, its history kept, the reason naming the one
    kept), or two projects."""
    if not is_bureau(actor):
        raise PermissionDenied(_("Only the city bureau decides on projects counted twice."))
    with transaction.atomic():
        candidate = candidate_between(actor, first_id, second_id)
        if candidate is None:
            raise ValidationError(_("This pair is no longer in the report: decided, or changed."))
        if outcome == DuplicateDecision.Outcome.DUPLICATE and not note.strip():
            raise ValidationError(
                {"note": _("Give the reasons: the county losing the project reads them.")}
            )
        decision = DuplicateDecision.objects.create(
            first=candidate.first, second=candidate.second, outcome=outcome, note=note,
            decided_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor,
            instance=decision,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff(
                {}, audit.snapshot(decision, ["first", "second", "outcome", "note"])
            ),
        )
        if outcome == DuplicateDecision.Outcome.DUPLICATE:
            kept = candidate.first
            project_services.project_drop(
                actor=actor,
                project=candidate.second,
                effective_date=project_services.today(),
                reason=_(
                    "Counted twice: the same project as %(name)s (%(code)s, %(county)s). %(note)s"
                )
                % {"name": kept.name, "code": kept.code, "county": kept.region.name, "note": note},
            )
        for project in (candidate.first, candidate.second):
            notify(
                users=_told(project),
                kind=Notification.Kind.LEAD_CONFLICT,
                key=f"duplicate-decided:{decision.pk}",
                title=_("Project counted twice? Decided: %(project)s") % {"project": project.name},
                body=decision.get_outcome_display() + ("\n" + note if note else ""),
                url=reverse("projects:detail", args=[project.pk]),
            )
    return decision
