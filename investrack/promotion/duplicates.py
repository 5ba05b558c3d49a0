"""Projects likely counted twice across the city (重复统计): two live projects with the same
national project code (全国投资项目在线审批监管平台代码), or of the same investor (its
name normalised) whose names are alike and whose amounts are within a tenth of each other.
Found on read, so a project typed, imported or sent by the API is checked alike; a pair
the bureau decided never comes back."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count

from investrack.accounts.permissions import is_bureau, scope
from investrack.projects.models import Project
from investrack.promotion.models import DuplicateDecision

NAME_ALIKE = 0.75  # difflib's ratio of the names without their common words
AMOUNT_WITHIN = 0.1
# Words every project name carries: compared without them, names say what differs.
COMMON_WORDS = re.compile(
    r"(项目|工程|建设|基地|年产|有限公司|股份|[（）()一二三四五]期|智能制造|产业园|研发及产业化|"
    r"生产|扩产|新建|[（）()])"
)


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


def _alike(a: str, b: str) -> float:
    """How alike two names are (0–1), or 0 as soon as the cheap upper bounds say they are
    not alike enough: thousands of pairs are compared per report."""
    matcher = difflib.SequenceMatcher(None, COMMON_WORDS.sub("", a), COMMON_WORDS.sub("", b))
    if matcher.real_quick_ratio() < NAME_ALIKE or matcher.quick_ratio() < NAME_ALIKE:
        return 0.0
    return matcher.ratio()


def _same_investor_pairs() -> dict[tuple[int, int], int]:
    """Live projects of investors of one normalised name with amounts within a tenth (one
    self-join the database does from the investor's index) whose names are alike: {pair:
    how alike, in %}."""
    sql = """
        SELECT a.id, b.id, a.name, b.name FROM projects_project a
        JOIN projects_investor ia ON ia.id = a.investor_id
        JOIN projects_investor ib ON ib.name_key = ia.name_key
        JOIN projects_project b ON b.investor_id = ib.id
        WHERE a.id < b.id AND a.dropped_on IS NULL AND b.dropped_on IS NULL
          AND ia.name_key <> ''
          AND b.total_investment BETWEEN a.total_investment * %s AND a.total_investment * %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [1 - AMOUNT_WITHIN, 1 + AMOUNT_WITHIN])
        rows = cursor.fetchall()
    pairs = {}
    for a, b, name_a, name_b in rows:
        alike = _alike(name_a, name_b)
        if alike >= NAME_ALIKE:
            pairs[(a, b)] = round(alike * 100)
    return pairs


def _same_code_pairs() -> list[tuple[int, int]]:
    live = Project.objects.filter(dropped_on__isnull=True).exclude(national_code="")
    codes = (
        live.values("national_code").annotate(n=Count("pk")).filter(n__gte=2)
        .values_list("national_code", flat=True)
    )  # fmt: skip
    by_code: dict[str, list[int]] = {}
    for pk, code in live.filter(national_code__in=list(codes)).values_list("pk", "national_code"):
        by_code.setdefault(code, []).append(pk)
    return [
        (a, b)
        for ids in by_code.values()
        for i, a in enumerate(sorted(ids))
        for b in sorted(ids)[i + 1 :]
    ]


def duplicate_candidates(user) -> list[Candidate]:
    """The undecided pairs the user is concerned by: all for the city bureau, those with a
    project of theirs for county staff (the other county's project shown as its county)."""
    same_code = set(_same_code_pairs())
    alike = _same_investor_pairs()
    pairs = same_code | set(alike)
    if not pairs:
        return []
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
        if (a, b) in same_code:
            reasons = [("code", first.national_code)]
        else:
            reasons = [("investor", alike[(a, b)])]
        found.append(Candidate(first, second, reasons, first.pk in visible, second.pk in visible))
    return found


def _registered(project: Project):
    return (project.lead_on or project.stage_since, project.created_at, project.pk)


def candidate_between(user, first_id: int, second_id: int) -> Candidate | None:
    for candidate in duplicate_candidates(user):
        if (candidate.first.pk, candidate.second.pk) == (first_id, second_id):
            return candidate
    return None
