"""Reads of the promotion front: leads without contact (for the warning rule), events."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from investrack.accounts.permissions import jurisdiction_filter, scope
from investrack.projects.models import Project, Stage
from investrack.promotion.models import EventProject, PromotionEvent, TargetEnterprise, Visit


def without_contact_since(since: datetime.date, as_of: datetime.date) -> Q:
    """Leads with no visit or talk after ``since`` (as logged by the end of ``as_of``) and
    at their stage since then at least: a lead registered last week is not yet neglected."""
    end_of_day = timezone.make_aware(
        datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time())
    )
    contact = Visit.objects.filter(
        project_id=OuterRef("pk"),
        visited_on__gt=since,
        visited_on__lte=as_of,
        recorded_at__lt=end_of_day,
    )
    settled = Q(lead_on__isnull=False) | Q(negotiating_on__isnull=False)
    for field in ("lead_on", "negotiating_on"):
        settled &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": since})
    return settled & ~Exists(contact)


def events_for(user) -> QuerySet[PromotionEvent]:
    """The events a user sees: those organised in their jurisdiction, and any event that
    brought or moved a project of theirs (a city's ceremony with a county's projects)."""
    theirs = scope(user, Project.objects.all()).values("pk")
    brought = EventProject.objects.filter(project__in=theirs).values("event_id")
    return PromotionEvent.objects.filter(jurisdiction_filter(user) | Q(pk__in=brought))


def event_projects(user, event: PromotionEvent) -> QuerySet[Project]:
    """The event's projects the user may see (the others are only counted)."""
    return scope(user, Project.objects.filter(event_links__event=event))


# The projects a kind of event can take: the leads a promotion brought; for a ceremony,
# those not yet at its stage (a signing takes leads and negotiations, and so on).
CANDIDATE_STAGES = {
    PromotionEvent.Kind.SIGNING: [Stage.LEAD, Stage.NEGOTIATING],
    PromotionEvent.Kind.START: [Stage.SIGNED],
    PromotionEvent.Kind.COMPLETION: [Stage.STARTED],
}
CANDIDATES_SHOWN = 200


def event_candidates(user, kind: str, *, q: str = "") -> QuerySet[Project]:
    """Projects the user may add to an event of ``kind``: in their jurisdiction, not
    dropped, at a stage the event can take; newest first, narrowed by name."""
    stages = CANDIDATE_STAGES.get(kind, [Stage.LEAD, Stage.NEGOTIATING])
    projects = scope(user, Project.objects.filter(stage__in=stages, dropped_on__isnull=True))
    if q.strip():
        projects = projects.filter(name__icontains=q.strip())
    return projects.select_related("region", "park").order_by("-stage_since", "-pk")


# --- target enterprises of the chains -------------------------------------------------


def _lead_of_target():
    """The first live project of an investor of the target's name or credit code."""
    same = Q(investor__name_key=OuterRef("name_key")) | (
        ~Q(investor__credit_code="") & Q(investor__credit_code=OuterRef("credit_code"))
    )
    return Project.objects.filter(same, dropped_on__isnull=True).order_by("lead_on", "pk")


def targets(queryset: QuerySet[TargetEnterprise]) -> QuerySet[TargetEnterprise]:
    """Targets with the project each has become (``lead_id``, its stage), if any."""
    lead = _lead_of_target()
    return queryset.annotate(
        lead_id=Subquery(lead.values("pk")[:1]),
        lead_stage=Subquery(lead.values("stage")[:1]),
    )


def targets_by_link(chain) -> dict[int, dict]:
    """Per link of ``chain``: its targets, how many were contacted, how many became leads."""
    counts: dict[int, dict] = {}
    for target in targets(TargetEnterprise.objects.filter(chain_link__chain=chain)):
        row = counts.setdefault(target.chain_link_id, {"n": 0, "contacted": 0, "leads": 0})
        row["n"] += 1
        if target.lead_id:
            row["leads"] += 1
        elif target.status == TargetEnterprise.Status.CONTACTED:
            row["contacted"] += 1
    return counts
