"""Load the shipped classifications: GB/T 2260 regions and GB/T 4754-2017 industries.

Used by the data migration and by tests; idempotent (existing codes are left alone).
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _region_level(code: str) -> int:
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def load_regions(Region) -> int:
    rows = []
    with open(DATA / "gb2260-2021.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.append((row["Code"].strip(), row["Name"].strip()))
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(code=code, name=name, level=_region_level(code))
        for code, name in rows
        if code not in existing
    ]
    # Provinces first, then cities, then counties, so parents exist when children are linked.
    new.sort(key=lambda r: (r.level, r.code))
    Region.objects.bulk_create(new, batch_size=1000)
    by_code = {r.code: r.pk for r in Region.objects.only("pk", "code")}
    children = []
    for region in Region.objects.filter(parent__isnull=True, level__gt=1):
        city = region.code[:4] + "00"
        province = region.code[:2] + "0000"
        parent = by_code.get(city) if region.level == 3 else None
        region.parent_id = parent or by_code.get(province)
        children.append(region)
    Region.objects.bulk_update(children, ["parent"], batch_size=1000)
    return len(new)


def load_industries(Industry) -> int:
    with open(DATA / "gbt4754-2017.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Industry.objects.values_list("code", flat=True))
    new = [
        Industry(
            code=row["code"],
            name=row["name"],
            level=int(row["level"]),
            section=row["section"],
            description=row["description"],
        )
        for row in rows
        if row["code"] not in existing
    ]
    Industry.objects.bulk_create(new, batch_size=1000)
    by_code = {i.code: i.pk for i in Industry.objects.only("pk", "code")}
    parent_of = {row["code"]: row["parent_code"] for row in rows}
    linked = []
    for industry in Industry.objects.filter(parent__isnull=True, level__gt=1):
        industry.parent_id = by_code.get(parent_of.get(industry.code, ""))
        linked.append(industry)
    Industry.objects.bulk_update(linked, ["parent"], batch_size=1000)
    return len(new)
