"""What insights write: the monthly standings of the horse race, kept once a month closes,
and the briefings as they are issued."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.accounts.permissions import may_issue_briefing
from investrack.insights.indicators import first_of_month
from investrack.insights.models import IssuedBriefing, RaceStanding
from investrack.insights.race import race_compute
from investrack.insights.selectors import Area
from investrack.regions.models import Park, Region


@transaction.atomic
def race_snapshot_take(*, city: Region, month: datetime.date) -> int:
    """Keep the standings of a closed ``month`` (counties and parks). A standing already
    kept stays as it was published; returns how many were added."""
    month = first_of_month(month)
    if month >= first_of_month(timezone.localdate()):
        raise ValidationError(
            {"month": _("A month's standings are kept once the month has ended.")}
        )
    added = 0
    for level, column in (("county", "region_id"), ("park", "park_id")):
        kept = set(
            RaceStanding.objects.filter(month=month, **{f"{column}__isnull": False}).values_list(
                column, flat=True
            )
        )
        new = [
            RaceStanding(
                month=month,
                score=standing.score,
                figures=standing.figures,
                red_projects=standing.red_projects,
                **{column: standing.pk},
            )
            for standing in race_compute(city, month, level)
            if standing.score is not None and standing.pk not in kept
        ]
        RaceStanding.objects.bulk_create(new)
        added += len(new)
    return added


def race_snapshots_due(*, today: datetime.date) -> list[tuple[Region, datetime.date]]:
    """On any day: last month's standings of each city that set targets for its year, if
    they were not kept yet."""
    last_month = first_of_month(first_of_month(today) - datetime.timedelta(days=1))
    racing = Region.objects.filter(level=Region.Level.CITY).filter(
        Q(children__targets__year=last_month.year)
        | Q(children__parks__targets__year=last_month.year)
    )
    due = []
    for city in racing.distinct().order_by("code"):
        if not RaceStanding.objects.filter(month=last_month, region__parent=city).exists():
            due.append((city, last_month))
    return due


# --- issued briefings ---------------------------------------------------------------------


@transaction.atomic
def briefing_issue(
    *, actor: User, area: Area, month: datetime.date, category: str = ""
) -> IssuedBriefing:
    """Issue ``month``'s briefing of ``area``: made now, kept with the instant, who issued
    it, the figures it prints and the Word file itself."""
    from investrack.insights.briefing import briefing_docx, briefing_figures, briefing_for

    if not may_issue_briefing(actor):
        raise PermissionDenied(_("Your role may read briefings but not issue them."))
    month = first_of_month(month)
    if month >= first_of_month(timezone.localdate()):
        raise ValidationError({"month": _("A briefing reports a month that has ended.")})
    made_at = timezone.now().replace(microsecond=0)
    b = briefing_for(area=area, user=actor, month=month, category=category, made_at=made_at)
    content = briefing_docx(b)
    issued = IssuedBriefing(
        month=month,
        region=area.region if not area.params.get("park") else None,
        park=Park.objects.get(code=area.params["park"]) if area.params.get("park") else None,
        category=category,
        title=f"{b.title} {b.issue}",
        issued_at=made_at,
        issued_by=actor,
        figures=briefing_figures(b),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    issued.document.save(f"briefing-{month:%Y-%m}.docx", ContentFile(content), save=False)
    issued.save()
    return issued
