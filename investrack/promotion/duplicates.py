"""Projects counted twice across the city (重复统计), for the bureau: the pairs kept by
the write hook (``projects.duplicate_pairs``: the same national project code, or the same
investor with alike names and amounts within a tenth), so a project typed, imported or
sent by the API is checked alike; a pair the bureau decided never comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from investrack.accounts.permissions import is_bureau, scope
from investrack.projects.duplicate_pairs import pairs_kept
from investrack.projects.models import DuplicatePair, Project
from investrack.promotion.models import DuplicateDecision


@dataclass
class Candidate:
    first: Project  # the one registered first: kept if they are one
    second: Project
    reasons: list[str] = field(default_factory=list)
    first_visible: bool = True
    second_visible: bool = True

    @property
    def key(self) -> str:
        return f"{self.first.pk}-{self.second.pk}"

    @property
    def rows(self):
        return [(self.first, self.first_visible), (self.second, self.second_visible)]


class DuplicateReport:
    """The undecided pairs a user is concerned by, in order, as a sequence a paginator
    slices: only the pairs of the page asked for are read with their projects (reading
    every pair's two projects took 0.5 s at 10⁶ for a page of 50)."""

    def __init__(self, user) -> None:
        self.kept = pairs_kept()
        # Every decision and, for county staff, their projects among the pairs: read as
        # such, not by a list of the pairs' ids (thousands at 10⁶).
        decided = {
            frozenset(pair)
            for pair in DuplicateDecision.objects.values_list("first_id", "second_id")
        }
        self.everyone = is_bureau(user)
        paired = Q(pk__in=DuplicatePair.objects.values("first_id")) | Q(
            pk__in=DuplicatePair.objects.values("second_id")
        )
        self.visible = (
            {pk for pair in self.kept for pk in pair}
            if self.everyone
            else set(scope(user, Project.objects.filter(paired)).values_list("pk", flat=True))
        )
        self.pairs = [
            (a, b)
            for a, b in sorted(self.kept)
            if frozenset((a, b)) not in decided
            and (self.everyone or a in self.visible or b in self.visible)
        ]

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: slice) -> list[Candidate]:
        pairs = self.pairs[index]
        ids = {pk for pair in pairs for pk in pair}
        projects = Project.objects.select_related("region", "park", "investor").in_bulk(ids)
        found = []
        for a, b in pairs:
            first, second = sorted((projects[a], projects[b]), key=_registered)
            same_code, alike = self.kept[(a, b)]
            reasons = [("code", first.national_code)] if same_code else [("investor", alike)]
            visible = first.pk in self.visible, second.pk in self.visible
            found.append(Candidate(first, second, reasons, *visible))
        return found

    def position(self, first_id: int, second_id: int) -> int | None:
        """Where the pair of these two projects is (in either order), or None."""
        pair = (min(first_id, second_id), max(first_id, second_id))
        return self.pairs.index(pair) if pair in self.pairs else None


def duplicate_candidates(user) -> DuplicateReport:
    """The undecided pairs the user is concerned by: all for the city bureau, those with a
    project of theirs for county staff (the other county's project shown as its county)."""
    return DuplicateReport(user)


def _registered(project: Project):
    return (project.lead_on or project.stage_since, project.created_at, project.pk)


def candidate_between(user, first_id: int, second_id: int) -> Candidate | None:
    """The pair of these projects in the user's report, registered first first, or None."""
    report = duplicate_candidates(user)
    at = report.position(first_id, second_id)
    if at is None:
        return None
    candidate = report[at : at + 1][0]
    if (candidate.first.pk, candidate.second.pk) != (first_id, second_id):
        return None
    return candidate
