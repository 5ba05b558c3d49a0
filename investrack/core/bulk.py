"""Inserting many rows at once: one prepared INSERT per table, sent with executemany.

For imports of tens of thousands of rows, where building model instances and compiling
an INSERT per batch costs more than the database does. Values are adapted per column by
the backend's own adapters, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Q

CHUNK = 2000


def _adapter(field: models.Field):
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        # An import stamps every row with the same moment: adapt it once.
        last = [None, None]

        def adapt_datetime(value):
            if value is not last[0]:
                last[0], last[1] = value, ops.adapt_datetimefield_value(value)
            return last[1]

        return adapt_datetime
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert ``rows`` (dicts keyed by column attname) into ``model``'s table.

    Columns a row leaves out take the field's default. No ids come back: look the rows up
    by a unique column afterwards.
    """
    # Every column but an id the database numbers (a one-to-one key is written).
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    columns = [(f.attname, f.get_default()) for f in fields]
    adapted = [(i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f)) is not None]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = [row.get(name, default) for name, default in columns]
            for i, adapt in adapted:
                if values[i] is not None:
                    values[i] = adapt(values[i])
            batch.append(tuple(values))
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def among(field: str, ids: Iterable[int]) -> Q:
    """``<field> IN ids``, as a range when the ids nearly fill one (the projects an import
    created): Django prepares every value of an IN list apart, which took 5 s of an import
    of 100,000 rows over its several reads of them. Exact either way."""
    wanted = sorted(set(ids))
    if len(wanted) < 100 or wanted[-1] - wanted[0] + 1 - len(wanted) > len(wanted) // 10:
        return Q(**{f"{field}__in": wanted})
    low, high = wanted[0], wanted[-1]
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    gaps = sorted(set(range(low, high + 1)).difference(wanted))
    return condition & ~Q(**{f"{field}__in": gaps}) if gaps else condition
