"""Projects counted twice across the city (重复统计), for the bureau: the pairs kept by
the write hook (``projects.duplicate_pairs``: the same national project code, or the same
investor with alike names and amounts within a tenth), so a project typed, imported or
sent by the API is checked alike; a pair the bureau decided never comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from investrack.accounts.permissions import is_bureau, scope
from investrack.projects.duplicate_pairs import pairs_kept
from investrack.projects.models import Project
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


def duplicate_candidates(user) -> list[Candidate]:
    """The undecided pairs the user is concerned by: all for the city bureau, those with a
    project of theirs for county staff (the other county's project shown as its county)."""
    kept = pairs_kept()
    if not kept:
        return []
    pairs = set(kept)
    ids = {pk for pair in pairs for pk in pair}
    projects = Project.objects.select_related("region", "park", "investor").in_bulk(ids)
    decided = set(
        DuplicateDecision.objects.filter(first_id__in=ids).values_list("first_id", "second_id")
    )
    everyone = is_bureau(user)
    visible = ids if everyone else set(
        scope(user, Project.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )  # fmt: skip
    found = []
    for a, b in sorted(pairs):
        first, second = sorted((projects[a], projects[b]), key=_registered)
        if (first.pk, second.pk) in decided or (b, a) in decided or (a, b) in decided:
            continue
        if not (everyone or first.pk in visible or second.pk in visible):
            continue
        same_code, alike = kept[(a, b)]
        reasons = [("code", first.national_code)] if same_code else [("investor", alike)]
        found.append(Candidate(first, second, reasons, first.pk in visible, second.pk in visible))
    return found


def _registered(project: Project):
    return (project.lead_on or project.stage_since, project.created_at, project.pk)


def candidate_between(user, first_id: int, second_id: int) -> Candidate | None:
    for candidate in duplicate_candidates(user):
        if (candidate.first.pk, candidate.second.pk) == (first_id, second_id):
            return candidate
    return None
