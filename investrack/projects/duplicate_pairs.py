"""Projects likely counted twice (重复统计), kept: two live projects with the same national
project code (全国投资项目在线审批监管平台代码), or of the same investor (its name
normalised) whose names are alike and whose amounts are within a tenth of each other.

Found for the projects a write touched, by the write hook (``pairs_keep``), and kept as
``DuplicatePair`` rows, so that the bureau's report reads the pairs instead of pairing
every live project with those of its investor on each visit (0.5 s at 10⁵ projects, 3.5 s
at 10⁶). ``pairs_found()`` with no projects named finds every pair afresh: the kept tables'
invariant compares the two, and ``pairs_mend`` (the daily job) makes the rows agree with it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable

from django.db import connection

NAME_ALIKE = 0.75  # difflib's ratio of the names without their common words
AMOUNT_WITHIN = 0.1
# Words every project name carries: compared without them, names say what differs.
COMMON_WORDS = re.compile(
    r"(项目|工程|建设|基地|年产|有限公司|股份|[（）()一二三四五]期|智能制造|产业园|研发及产业化|"
    r"生产|扩产|新建|[（）()])"
)
CHUNK = 2000

# Each pair once, the lower id first; ``{among}``: the projects written, on either side.
# Both sides' keys are said to be filled: read from the side written, an empty key would
# otherwise pair it with every project that has none. ``{p}`` is SQLite's unary plus,
# which keeps a term from choosing an index: the other project is then found by its
# investor (its code), never by walking the ids above or below (with no statistics, in
# a first import, SQLite walked them: 2,000 projects took minutes).
_SAME_INVESTOR = """
    SELECT a.id, b.id, a.name, b.name FROM projects_project a
    JOIN projects_investor ia ON ia.id = a.investor_id
    JOIN projects_investor ib ON ib.name_key = ia.name_key
    JOIN projects_project b ON b.investor_id = ib.id
    WHERE {p}a.id < {p}b.id AND {p}a.dropped_on IS NULL AND {p}b.dropped_on IS NULL
      AND ia.name_key <> '' AND ib.name_key <> ''
      AND {p}b.total_investment
          BETWEEN {p}a.total_investment * %s AND {p}a.total_investment * %s
      {among}
"""
_SAME_CODE = """
    SELECT a.id, b.id FROM projects_project a
    JOIN projects_project b ON b.national_code = a.national_code
    WHERE {p}a.id < {p}b.id AND {p}a.dropped_on IS NULL AND {p}b.dropped_on IS NULL
      AND a.national_code <> '' AND b.national_code <> ''
      {among}
"""


def alike(a: str, b: str) -> float:
    """How alike two names are (0–1), or 0 as soon as the cheap upper bounds say they are
    not alike enough: thousands of pairs are compared when every pair is found."""
    matcher = difflib.SequenceMatcher(None, COMMON_WORDS.sub("", a), COMMON_WORDS.sub("", b))
    if matcher.real_quick_ratio() < NAME_ALIKE or matcher.quick_ratio() < NAME_ALIKE:
        return 0.0
    return matcher.ratio()


def _among(column: str, ids: list[int]) -> tuple[str, list]:
    # The ids as one parameter (Django's raw cursor would prepare each of thousands apart).
    if connection.vendor == "postgresql":
        return f"AND {column} = ANY(%s)", [ids]
    return f"AND {column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def _rows(sql: str, params: list, ids: list[int] | None) -> set[tuple]:
    """The rows of ``sql``: every pair, or those with one of ``ids`` on either side (two
    reads, each starting from the projects named)."""
    plus = "+" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(sql.format(among="", p=plus), params)
            return set(cursor.fetchall())
        found: set[tuple] = set()
        for side in ("a.id", "b.id"):
            condition, more = _among(side, ids)
            cursor.execute(sql.format(among=condition, p=plus), [*params, *more])
            found.update(cursor.fetchall())
        return found


def pairs_found(project_ids: Iterable[int] | None = None) -> dict[tuple[int, int], tuple]:
    """``{(first id, second id): (same national code, names alike in % or None)}``: every
    pair, or those of the projects named."""
    ids = None if project_ids is None else sorted(set(project_ids))
    pairs: dict[tuple[int, int], tuple] = dict.fromkeys(_rows(_SAME_CODE, [], ids), (True, None))
    bounds = [1 - AMOUNT_WITHIN, 1 + AMOUNT_WITHIN]
    for a, b, name_a, name_b in _rows(_SAME_INVESTOR, bounds, ids):
        how = alike(name_a, name_b)
        if how >= NAME_ALIKE:
            pairs[(a, b)] = ((a, b) in pairs, round(how * 100))
    return pairs


def _insert(pairs: dict[tuple[int, int], tuple]) -> None:
    from investrack.projects.models import DuplicatePair

    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(first_id=a, second_id=b, same_code=code, alike=how)
            for (a, b), (code, how) in pairs.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,  # found again by the next chunk of the same write
    )


def pairs_keep(project_ids: Iterable[int]) -> None:
    """Make the pairs of the projects written what their rows give now (the write hook
    calls it for every project it wrote: a project renamed, moved in amount, dropped, or
    of an investor renamed)."""
    from investrack.core.bulk import among
    from investrack.projects.models import DuplicatePair

    ids = sorted(set(project_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        DuplicatePair.objects.filter(among("first_id", chunk) | among("second_id", chunk)).delete()
        _insert(pairs_found(chunk))


def pairs_kept() -> dict[tuple[int, int], tuple]:
    from investrack.projects.models import DuplicatePair

    return {
        (a, b): (code, how)
        for a, b, code, how in DuplicatePair.objects.values_list(
            "first_id", "second_id", "same_code", "alike"
        )
    }


def pairs_mend() -> int:
    """Make the kept pairs every pair found afresh; returns how many rows it changed. The
    daily job runs it: two projects of one pair written at the same moment on PostgreSQL
    each see the other as it was (SQLite writes one at a time), and the pair they make or
    unmake is mended that night."""
    from investrack.projects.models import DuplicatePair

    found, kept = pairs_found(), pairs_kept()
    wrong = [pair for pair, what in kept.items() if found.get(pair) != what]
    for a, b in wrong:
        DuplicatePair.objects.filter(first_id=a, second_id=b).delete()
    missing = {pair: what for pair, what in found.items() if kept.get(pair) != what}
    _insert(missing)
    return len(wrong) + len(missing)
