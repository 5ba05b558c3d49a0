"""The search box: Chinese of two characters and more (鹿城, 新能源), words and codes, found
through an index made for it instead of scanning every name.

Each project has its ``ProjectSearch`` row: its name, code, national code and investor's
name as a row of terms — every run of Chinese characters as its overlapping pairs (新能源 → 新能 能源),
every run of letters or digits as a word. A query is made the same terms and looked up as a
phrase, so 新能源 finds the projects whose text holds 新能 followed by 能源: exactly the
substring, for Chinese. SQLite reads an FTS5 index of the terms, PostgreSQL a GIN index of
their ``tsvector``; both created by migration 0007. The write hook keeps the terms
(``search_keep``); a query of one Chinese character falls back to a plain scan.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from investrack.core.bulk import among, insert_rows

# Chinese characters (CJK unified ideographs, extension A, compatibility), and words.
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Between the fields: no phrase runs from the end of one into the start of the next.
FIELD_BREAK = "0sep0"
MATCHES_LISTED = 10_000  # on SQLite, matches up to this many are passed as a list of ids


def terms(text: str) -> list[str]:
    """The terms of ``text`` in order (full-width letters and digits read as ASCII)."""
    found: list[str] = []
    for match in _RUN.finditer(unicodedata.normalize("NFKC", text or "")):
        run = match.group(0)
        if _CHINESE.match(run):
            found += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        else:
            found.append(run.lower())
    return found


def project_terms(*texts: str) -> str:
    """A project's search terms: its texts' terms, the fields kept apart."""
    return f" {FIELD_BREAK} ".join(" ".join(terms(t)) for t in texts if t)


def _query(value: str) -> tuple[str, list[str]] | None:
    """The index's query for ``value`` as SQL selecting project ids, or None when the
    value has no term of two Chinese characters or a word (one character: a scan)."""
    words = terms(value)
    if not words or (len(words) == 1 and len(words[0]) == 1 and _CHINESE.match(words[0])):
        return None
    last_is_word = not _CHINESE.match(words[-1])  # a word may be typed in part: a prefix
    if connection.vendor == "postgresql":
        tsquery = " <-> ".join(
            f"'{w}':*" if last_is_word and i == len(words) - 1 else f"'{w}'"
            for i, w in enumerate(words)
        )
        sql = (
            "SELECT project_id FROM projects_projectsearch "
            "WHERE search_vector @@ to_tsquery('simple', %s)"  # stored: migration 0011
        )
        return sql, [tsquery]
    phrase = " + ".join(
        f'"{w}"*' if last_is_word and i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words)
    )
    return "SELECT rowid FROM projects_search WHERE projects_search MATCH %s", [phrase]


def search_condition(value: str) -> Q:
    """The projects the search box finds for ``value``: by the index of their name,
    codes and investor, or by their exact project or national code."""
    value = value.strip()
    exact = Q(code=value) | Q(national_code=value)
    query = _query(value)
    if query is None:
        # One Chinese character: no pair to look up; the names are scanned.
        return exact | Q(name__contains=value) | Q(investor__name__contains=value)
    sql, params = query
    if connection.vendor == "sqlite":
        # SQLite cannot tell how few rows a full-text match gives, and prefers walking
        # another index while probing the match (100 ms at 10⁵ for 1,700 matches); given
        # the ids it reads them by primary key (8 ms). A broad match stays a subquery.
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT {MATCHES_LISTED + 1}", params)
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) <= MATCHES_LISTED:
            # The exact code joined in too (an OR beside the list would hide it again); a
            # national code is found by its words, as every code is.
            from investrack.projects.models import Project

            ids += Project.objects.filter(code=value).values_list("pk", flat=True)
            # As one JSON parameter: Django prepared each of a list's ids apart, for each
            # query of the page (1,700 ids: 6 ms a request); SQLite's plan is the same.
            listed = json.dumps(sorted(set(ids)))
            return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [listed]))
    if connection.vendor == "postgresql":
        # The exact codes inside the one subquery: an OR beside it made PostgreSQL read every
        # project (and their national codes, 260 ms at 10⁶ for a search that finds nothing).
        from investrack.projects.models import Project

        table = Project._meta.db_table
        sql = f"{sql} UNION SELECT id FROM {table} WHERE code = %s OR national_code = %s"
        return Q(pk__in=RawSQL(sql, [*params, value, value]))
    return exact | Q(pk__in=RawSQL(sql, params))


def search_keep(project_ids: Iterable[int]) -> None:
    """Make the projects' search terms what their texts give (the write hook calls it for
    every project it wrote)."""
    from investrack.projects.models import Project, ProjectSearch

    ids = list(project_ids)
    for start in range(0, len(ids), 2000):
        rows = Project.objects.filter(among("pk", ids[start : start + 2000])).values_list(
            "pk", "name", "code", "national_code", "investor__name", "search__terms"
        )
        new, stale = [], []
        for pk, name, code, national, investor, kept in rows:
            wanted = project_terms(name, code, national, investor or "")
            if kept is None:  # a new project (an import brings thousands): a plain insert
                new.append({"project_id": pk, "terms": wanted})
            elif wanted != kept:
                stale.append(ProjectSearch(project_id=pk, terms=wanted))
        insert_rows(ProjectSearch, new)
        ProjectSearch.objects.bulk_create(
            stale,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["project"],
            update_fields=["terms"],
        )
