"""撞单: two counties chasing the same investor. Found on read from the open leads (stage
线索 or 在谈, not dropped), so a lead typed on the form, imported from a sheet or sent by
the API is caught alike; the investor is the same when its credit code is, or its name
normalised (``investor_keys``) is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Max, Min, Q

from investrack.accounts.permissions import is_bureau, scope
from investrack.core.compiled import Likely
from investrack.projects.models import Investor, Project, Stage
from investrack.promotion.models import LeadDecision


def _open_leads(*, of_some_investors: bool = False):
    """The open leads: 线索 or 在谈, not dropped, with an investor. Asked for some
    investors' leads, SQLite is told that "not dropped" holds for most projects: it takes
    that NULL for a rare value and walked every project by it (40 ms at 10⁵) instead of the
    leads by investor; for the grouped read of every lead it is left plain (told, SQLite
    read the whole table: 9 → 126 ms)."""
    alive = Q(dropped_on__isnull=True)
    return Project.objects.filter(
        Likely(alive) if of_some_investors else alive,
        stage__in=[Stage.LEAD, Stage.NEGOTIATING],
        investor__isnull=False,
    )


@dataclass(frozen=True)
class Conflict:
    first: Project  # registered first (首谈): its county owns the lead until decided
    second: Project
    by_credit_code: bool  # else by the normalised name
    first_visible: bool  # whether the user may open each side
    second_visible: bool

    @property
    def key(self) -> str:
        return f"{self.first.pk}-{self.second.pk}"


def _registered(project: Project):
    return (project.lead_on or project.stage_since, project.created_at, project.pk)


def _same_investor_groups() -> list[list[Project]]:
    """The open leads grouped by investor, only groups spanning two counties or more.

    Found in two cheap steps, since the queue is read on every visit: the investors whose
    own open leads lie in two counties (from the open leads' index alone), and the
    investors flagged as sharing a name key or a credit code with another (``namesake``,
    kept where investors are written); only the open leads of those are read and joined."""
    spread = (
        _open_leads().values("investor_id").annotate(low=Min("region_id"), high=Max("region_id"))
        .filter(low__lt=F("high")).values_list("investor_id", flat=True)
    )  # fmt: skip
    investors = set(spread)
    investors.update(Investor.objects.filter(namesake=True).order_by().values_list("pk", flat=True))
    # The leads of those investors (the investors' names asked in the same condition made
    # SQLite read every project).
    rows = list(
        _open_leads(of_some_investors=True)
        .filter(investor_id__in=sorted(investors))
        .select_related("investor", "region", "park", "created_by")
    )
    # Join leads sharing a code or a name key (a union of both relations).
    parent: dict[int, int] = {p.pk: p.pk for p in rows}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    seen: dict[tuple[str, str], int] = {}
    for p in rows:
        for kind, value in (("name", p.investor.name_key), ("code", p.investor.credit_code)):
            if not value:
                continue
            other = seen.setdefault((kind, value), p.pk)
            parent[root(p.pk)] = root(other)
    groups: dict[int, list[Project]] = {}
    for p in rows:
        groups.setdefault(root(p.pk), []).append(p)
    return [
        sorted(g, key=_registered) for g in groups.values() if len({p.region_id for p in g}) > 1
    ]


def lead_conflicts(user) -> list[Conflict]:
    """The undecided conflicts the user is concerned by (``None``: all): every one for the city bureau, those
    with a lead of the user's county (or park) for county staff. Each later lead of another
    county is paired with the first lead registered."""
    groups = _same_investor_groups()
    if not groups:
        return []
    ids = [p.pk for g in groups for p in g]
    everyone = user is None or is_bureau(user)  # None: the daily job, which tells each side
    visible = (
        set(ids)
        if user is None
        else set(scope(user, Project.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    )
    decided = set(
        LeadDecision.objects.filter(first_id__in=ids).values_list("first_id", "second_id")
    )
    conflicts = []
    for group in groups:
        first = group[0]
        for later in group[1:]:
            if later.region_id == first.region_id or (first.pk, later.pk) in decided:
                continue
            if not (everyone or first.pk in visible or later.pk in visible):
                continue
            same_code = bool(first.investor.credit_code) and (
                first.investor.credit_code == later.investor.credit_code
            )
            conflicts.append(
                Conflict(first, later, same_code, first.pk in visible, later.pk in visible)
            )
    return sorted(conflicts, key=lambda c: _registered(c.second), reverse=True)


def conflict_between(user, first_id: int, second_id: int) -> Conflict | None:
    for conflict in lead_conflicts(user):
        if (conflict.first.pk, conflict.second.pk) == (first_id, second_id):
            return conflict
    return None
