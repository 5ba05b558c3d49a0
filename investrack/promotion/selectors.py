"""Reads of the promotion front: leads without contact (for the warning rule), events."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from investrack.accounts.permissions import jurisdiction_filter, scope
from investrack.projects.models import Project, Stage
from investrack.promotion.models import EventProject, PromotionEvent, Visit


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
