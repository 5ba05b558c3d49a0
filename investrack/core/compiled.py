"""Expressions turned into SQL once, for queries built again on every request; a
condition's likelihood, or the partial index to read, told to SQLite's planner, and its
statistics kept; and the days between two dates, which each database writes its own way.

Django compiles every expression of a query each time the query runs. A page of 50 rows
with the day's warning rules (two CASEs of subqueries per rule) spent more time compiling
them than the database spent running them; their SQL does not change within a day.
"""

from __future__ import annotations

import functools

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import BooleanField, ExpressionWrapper, Func, IntegerField, Model, Q
from django.db.models.expressions import BaseExpression, RawSQL
from django.db.models.sql import Query


def compiled(model: type[Model], expression: BaseExpression, using: str = DEFAULT_DB_ALIAS):
    """``expression`` over ``model``'s table as SQL text with its parameters, to annotate
    a queryset of ``model`` with. An expression that joins another table is given back as
    it is: its SQL names that join, which the query it is put in may name differently.
    Not for querysets used as subqueries (their table is then renamed, the text is not)."""
    query = Query(model)
    resolved = expression.resolve_expression(query, allow_joins=True)
    if len(query.alias_map) > 1:
        return expression
    sql, params = query.get_compiler(using).compile(resolved)
    return RawSQL(sql, tuple(params), output_field=resolved.output_field)


class Likely(Func):
    """``condition``, which most rows meet: SQLite's planner is told so (its statistics
    count "not dropped", a NULL, as one value among a thousand dates, and it then read a
    city's every project by county instead of the few of an industry: 100 ms at 10⁵).
    Other databases get the condition as it is."""

    output_field = BooleanField()

    def __init__(self, condition: Q, probability: float = 0.95):
        super().__init__(ExpressionWrapper(condition, output_field=BooleanField()))
        self.probability = probability

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"likelihood({sql}, {float(self.probability)!r})", params


class DaysBetween(Func):
    """The whole days from the date ``first`` to the date ``second``, counted by the
    database (Django's difference of two dates is a duration SQLite computes in Python,
    row by row)."""

    arity = 2
    output_field = IntegerField()

    def _dates(self, compiler):
        """Each date's SQL, and the parameters in the order ``second - first`` takes them."""
        (first, first_params), (second, second_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return first, second, (*second_params, *first_params)

    def as_sql(self, compiler, connection, **extra_context):
        first, second, params = self._dates(compiler)
        return f"({second} - {first})", params  # PostgreSQL: a date less a date is days

    def as_sqlite(self, compiler, connection, **extra_context):
        first, second, params = self._dates(compiler)
        return f"CAST(julianday({second}) - julianday({first}) AS INTEGER)", params  # exact


@functools.cache
def _partial_index_rows(model: type[Model], name: str) -> RawSQL:
    index = next(i for i in model._meta.indexes if i.name == name)
    where = compiled(model, ExpressionWrapper(index.condition, output_field=BooleanField()))
    table, key = model._meta.db_table, model._meta.pk.column
    return RawSQL(
        f'SELECT "{key}" FROM "{table}" INDEXED BY "{name}" WHERE {where.sql}', where.params
    )


def through_index(model: type[Model], name: str) -> Q:
    """The rows of ``model``'s partial index ``name``, to add to its own condition: on
    SQLite, as ``pk IN`` the rows read through that index. With no statistics of skew, SQLite
    takes "not dropped" (a NULL) for a rare value and read a city's every project by county
    and amount to count its 3,000 stalled ones (195 → 15 ms at 10⁵). PostgreSQL chooses
    the partial index itself: nothing is added."""
    if connection.vendor != "sqlite":
        return Q()
    return Q(pk__in=_partial_index_rows(model, name))


def planner_statistics() -> bool:
    """Count again what SQLite's planner knows of each table and index (``ANALYZE``; about a
    second at 10⁵ projects), so that it chooses the indexes the pages were measured with:
    with no statistics it guesses, and a new index (a migration) has none. PostgreSQL keeps
    its own (autovacuum): nothing is done there. Whether it ran."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
