"""The bureau's decisions on the conflict queue, and telling those concerned."""

from __future__ import annotations

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
from investrack.promotion.conflicts import Conflict, conflict_between, lead_conflicts
from investrack.promotion.models import LeadDecision

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
