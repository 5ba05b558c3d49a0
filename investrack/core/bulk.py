"""Inserting many rows at once: one prepared INSERT per table, sent with executemany.

For imports of tens of thousands of rows, where building model instances and compiling
an INSERT per batch costs more than the database does. Values are adapted per column by
the backend's own adapters, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction
from django.db.models import Count, F, Min, Q, Sum, Window

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


def fold_ledger(
    model: type[models.Model], key: Sequence[str], sums: Sequence[str]
) -> tuple[int, int]:
    """Fold a ledger of sums (rows with the same ``key`` add up) to one row per key: the
    first row of a key that has several takes their sums, the others go, and a key whose
    sums are all zero goes whole. Rows alone on their key are not touched, so the daily
    fold writes what the day's writes added, not the table (at 10⁶ projects rewriting it
    took 400 s, with writers waiting). Returns the rows before and after.

    Writers go on meanwhile: a ledger row is never changed but by a fold, so a row added
    after the rows were read stays as it is and every key keeps its sum. A second fold of
    the table waits for the first. Give ``key`` in the order of an index holding it, which
    then hands the rows over sorted.
    """
    manager = model._default_manager
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE")
        before = manager.count()
        partition = [F(field) for field in key]
        rows = (
            manager.order_by()
            .annotate(
                first=Window(Min("pk"), partition_by=partition),
                rows=Window(Count("pk"), partition_by=partition),
                **{f"sum_{s}": Window(Sum(s), partition_by=partition) for s in sums},
            )
            .filter(Q(rows__gt=1) | Q(**{f"sum_{s}": 0 for s in sums}))
            .values_list("pk", "first", *(f"sum_{s}" for s in sums))
        )
        gone: list[int] = []
        kept: list[models.Model] = []
        for pk, first, *summed in rows.iterator(chunk_size=CHUNK):
            if pk != first or not any(summed):
                gone.append(pk)
            else:
                kept.append(model(pk=pk, **dict(zip(sums, summed, strict=True))))
        manager.bulk_update(kept, list(sums), batch_size=500)
        for start in range(0, len(gone), CHUNK):
            manager.filter(pk__in=gone[start : start + CHUNK]).delete()
    return before, before - len(gone)
