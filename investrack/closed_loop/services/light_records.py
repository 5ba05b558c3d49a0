"""The recorded lights (the kept table of each project's light for today), and the linked
leaders told when a project turns red."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from investrack.closed_loop.lights import LightBook
from investrack.closed_loop.models import (
    Light,
    LightChange,
    LightsRecorded,
    LightTotal,
    Notification,
    ProjectLight,
)
from investrack.closed_loop.notifications import notify_many
from investrack.closed_loop.services.people import today
from investrack.core.bulk import among, fold_ledger
from investrack.core.units import format_date
from investrack.projects.map_cells import map_cells_relit
from investrack.projects.models import Project
from investrack.projects.totals import size_tier

# --- lights -------------------------------------------------------------------------------

CHUNK = 5000


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def lights_record(
    *, as_of: datetime.date | None = None, project_ids: Iterable[int] | None = None
) -> dict:
    """Compare the lights as of ``as_of`` (today) with those last recorded, of every project
    or of ``project_ids``; record each change and tell the linked leaders and the
    responsible person of each project that turned red. A run over every project makes
    the recorded lights current for the date."""
    as_of = as_of or today()
    book = LightBook.load(as_of, live=True)
    projects = Project.objects.filter(dropped_on__isnull=True)
    recorded = ProjectLight.objects.all()
    if project_ids is not None:
        project_ids = sorted(set(project_ids))
        projects = projects.filter(among("pk", project_ids))
        recorded = recorded.filter(among("project_id", project_ids))
    lit = book.filter(projects, Light.YELLOW)
    # {project: [light, county, park, size tier]}, now and as last recorded.
    now = {
        pk: [light, region, park, size_tier(amount)]
        for pk, light, region, park, amount in book.annotate(lit)
        .order_by()
        .values_list("pk", "light", "region_id", "park_id", "total_investment")
        .iterator(chunk_size=CHUNK)
    }
    before = {
        pk: place
        for pk, *place in recorded.values_list(
            "project_id", "light", "region_id", "park_id", "tier"
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
    map_cells_relit({c.project_id: (c.before, c.after) for c in changes})
    _light_totals_add(before, now, [*changed, *moved, *cleared])
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
                tier=now[pk][3],
            )
            for pk in changed
        ],  # fmt: skip
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["light", "since", "region", "park", "tier"],
    )
    ProjectLight.objects.bulk_update(  # same light, another place or size: same date
        [
            ProjectLight(project_id=pk, region_id=now[pk][1], park_id=now[pk][2], tier=now[pk][3])
            for pk in moved
        ],
        ["region", "park", "tier"],
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


def _light_totals_add(before: dict, now: dict, project_ids: list[int]) -> None:
    """What the recorded lights of ``project_ids`` change, ``{project: [light, county,
    park, size tier]}`` before and now, added to the light totals."""
    change: Counter = Counter()
    for pk in project_ids:
        if pk in before:
            change[tuple(before[pk])] -= 1
        if pk in now:
            change[tuple(now[pk])] += 1
    _light_totals_insert(change)


def _light_totals_insert(counts: dict[tuple, int]) -> int:
    """Rows of the light totals, ``{(light, county, park, size tier): projects}`` (the
    zero ones left out); returns how many."""
    rows = LightTotal.objects.bulk_create(
        [
            LightTotal(light=light, region_id=region, park_id=park, tier=tier, projects=n)
            for (light, region, park, tier), n in counts.items()
            if n
        ],
        batch_size=CHUNK,
    )
    return len(rows)


LIGHT_TOTAL_KEY = ("light", "region_id", "park_id", "tier")


def light_totals_kept(totals: QuerySet | None = None) -> dict[tuple, int]:
    """The light totals summed per light, county, park and size tier (the non-zero ones)."""
    totals = LightTotal.objects.all() if totals is None else totals
    rows = totals.order_by().values_list(*LIGHT_TOTAL_KEY).annotate(n=Sum("projects"))
    return {tuple(key): n for *key, n in rows if n}


def light_totals_expected(recorded: QuerySet | None = None) -> dict[tuple, int]:
    """The light totals counted afresh from the recorded lights."""
    recorded = ProjectLight.objects.all() if recorded is None else recorded
    rows = recorded.order_by().values_list(*LIGHT_TOTAL_KEY).annotate(n=Count("pk"))
    return {tuple(key): n for *key, n in rows}


@transaction.atomic
def light_totals_rebuild() -> int:
    """Count the light totals again from the recorded lights; returns their rows."""
    LightTotal.objects.all().delete()
    return _light_totals_insert(light_totals_expected())


def light_totals_fold() -> tuple[int, int]:
    """Fold the rows the day's changes added into one per key (the daily job); returns the
    rows before and after. Writers go on meanwhile."""
    return fold_ledger(LightTotal, LIGHT_TOTAL_KEY, ["projects"])


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
