"""The demo city's targets, horse-race weights, chain leaders and kept monthly standings.

Targets are set the way a bureau sets them: from last year's results, a little higher, by
the city administrator through the same service as the targets page.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from investrack.accounts.models import User
from investrack.core.units import YI
from investrack.insights.indicators import Period, first_of_month, indicator_table
from investrack.insights.race import race_units
from investrack.insights.services import race_snapshot_take
from investrack.projects.figures import KeptStages
from investrack.projects.models import ProgressTotal, Project, StageTotal, StageTotalDay
from investrack.regions.models import (
    ChainLeader,
    ChainLink,
    Indicator,
    IndustryChain,
    Region,
    Unit,
    indicator_unit,
)
from investrack.regions.services import TargetCell, race_weights_set, targets_set

WEIGHTS = {
    Indicator.INTRODUCED: 20,
    Indicator.INTRODUCED_INVESTMENT: 20,
    Indicator.OVER_1YI: 15,
    Indicator.STARTED: 15,
    Indicator.COMPLETED: 10,
    Indicator.PRODUCTION: 10,
    Indicator.INVESTMENT_COMPLETED: 10,
}
CHAIN_LEADERS = [
    ("温州瓯越新能源汽车有限公司", "整车制造", "330303", "整车龙头，带动本地配套率超过40%"),
    ("浙南锂电科技股份有限公司", "动力电池", "330381", "动力电池电芯与模组"),
    ("瑞安汽配集团有限公司", "底盘系统", "330381", "制动与转向系统，国家级专精特新“小巨人”"),
]


def _rounded(indicator: str, value: Decimal) -> Decimal:
    unit = indicator_unit(indicator)
    if unit == Unit.YUAN:
        return (value / YI).quantize(Decimal(1), ROUND_HALF_UP) * YI
    if unit == Unit.USD:
        return (value / Decimal(10_000)).quantize(Decimal(1), ROUND_HALF_UP) * 10_000
    return value.quantize(Decimal(1), ROUND_HALF_UP)


def seed_insights(*, city: Region, as_of: datetime.date, seed: int) -> None:
    rng = random.Random(seed + 5)
    admin = User.objects.get(username="admin")
    chain = IndustryChain.objects.filter(name="新能源汽车").first()
    if chain is not None:
        links = dict(ChainLink.objects.filter(chain=chain).values_list("name", "pk"))
        regions = dict(Region.objects.values_list("code", "pk"))
        for name, link, region, note in CHAIN_LEADERS:
            ChainLeader.objects.get_or_create(
                chain=chain,
                name=name,
                defaults={
                    "link_id": links.get(link),
                    "region_id": regions.get(region),
                    "note": note,
                },
            )
    projects = Project.objects.filter(region__parent=city)
    for year in (as_of.year - 1, as_of.year):
        last = datetime.date(year - 1, 12, 31)
        base = Period(datetime.date(year - 1, 1, 1), last, last)
        changes = {}
        for level in ("county", "park"):
            units = {unit.pk: unit for unit in race_units(city, level)}
            table = indicator_table(
                projects=projects,
                units=units.values(),
                period=base,
                level=level,
                total_name=city.name,
                progress=ProgressTotal.objects.filter(region__parent=city),
                stages=KeptStages(
                    StageTotal.objects.filter(region__parent=city),
                    StageTotalDay.objects.filter(region__parent=city),
                ),
            )
            for row in table.rows:
                unit = units[row.pk]
                for indicator, figure in row.figures.items():
                    if indicator == Indicator.START_RATE:
                        value = Decimal(rng.choice([60, 65, 70, 75]))
                    else:
                        growth = Decimal(rng.randint(95, 130)) / 100
                        value = _rounded(indicator, Decimal(figure.actual or 0) * growth)
                    if value > 0:
                        changes[TargetCell(unit, indicator)] = value
        targets_set(actor=admin, year=year, changes=changes)
        race_weights_set(
            actor=admin, year=year, weights={k.value: Decimal(w) for k, w in WEIGHTS.items()}
        )
    # The standings of the closed months of this year, as the daily job would have kept them.
    month = datetime.date(as_of.year, 1, 1)
    while month < first_of_month(as_of):
        race_snapshot_take(city=city, month=month)
        month = first_of_month(month + datetime.timedelta(days=32))
