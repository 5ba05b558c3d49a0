"""A realistic, deterministic demo city: Wenzhou (温州市), eight of its counties, twelve parks,
people, investors and projects spread over every stage, 2021–2026.

The same seed gives the same city. Benchmarks use it too, up to a million projects, so
everything is written with bulk inserts in batches.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from investrack.accounts.models import Department, Person, Role, User
from investrack.core.bulk import insert_rows
from investrack.projects.investor_keys import CREDIT_CODE_CHARS, credit_code_check_char
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    Category,
    Investor,
    Origin,
    ProgressReport,
    Project,
    SourceChannel,
    Stage,
    StageEvent,
    Tag,
)
from investrack.projects.write import project_write
from investrack.regions.models import ChainLink, Industry, Park, Region

CITY_CODE = "330300"
COUNTIES = ["330302", "330303", "330304", "330381", "330382", "330324", "330326", "330327"]
# The county seats (GCJ-02, as in the map's outlines): a demo project lies near its seat.
SEATS = {
    "330302": (120.655271, 28.015737), "330303": (120.811213, 27.932747),
    "330304": (120.614910, 27.966844), "330381": (120.655148, 27.778657),
    "330382": (120.983906, 28.113725), "330324": (120.692025, 28.153607),
    "330326": (120.565793, 27.661918), "330327": (120.427619, 27.519773),
}  # fmt: skip
PARKS = [
    ("WZ-ETDZ", "温州经济技术开发区", "330303", Park.Level.NATIONAL),
    ("WZ-HTZ", "温州高新技术产业开发区", "330302", Park.Level.NATIONAL),
    ("WZ-OJK", "瓯江口产业集聚区", "330303", Park.Level.PROVINCIAL),
    ("WZ-OH", "瓯海经济开发区", "330304", Park.Level.PROVINCIAL),
    ("WZ-RA", "瑞安经济开发区", "330381", Park.Level.PROVINCIAL),
    ("WZ-RAXC", "瑞安市新材料产业园", "330381", Park.Level.MUNICIPAL),
    ("WZ-YQ", "乐清经济开发区", "330382", Park.Level.PROVINCIAL),
    ("WZ-YQW", "乐清湾临港产业园", "330382", Park.Level.MUNICIPAL),
    ("WZ-YJ", "永嘉经济开发区", "330324", Park.Level.PROVINCIAL),
    ("WZ-PY", "平阳经济开发区", "330326", Park.Level.PROVINCIAL),
    ("WZ-CN", "苍南工业园区", "330327", Park.Level.PROVINCIAL),
    ("WZ-ZN", "浙南产业集聚区", "330303", Park.Level.PROVINCIAL),
]
DEPARTMENTS = [
    ("温州市投资促进局", "投促局"),
    ("温州市发展和改革委员会", "发改委"),
    ("温州市自然资源和规划局", "自然资源局"),
    ("温州市生态环境局", "生态环境局"),
    ("温州市住房和城乡建设局", "住建局"),
    ("温州市经济和信息化局", "经信局"),
    ("国网温州供电公司", "供电公司"),
]
# The link of the new-energy vehicle chain a product belongs to (传感器 is left a gap).
CHAIN_LINK_OF_PRODUCT = {
    "新能源整车": "整车制造",
    "智能网联汽车整车": "整车制造",
    "新能源汽车底盘": "底盘系统",
    "智能座舱": "智能座舱",
    "汽车线束": "汽车线束",
    "新能源汽车线束": "汽车线束",
    "动力电池": "动力电池",
    "锂电池材料": "动力电池",
    "驱动电机": "驱动电机",
    "电控系统": "电控系统",
    "新能源汽车轮胎": "轮胎",
    "综合能源站": "充电设施",
}
TAGS = ["省重大", "市重点", "百亿", "专精特新", "外资", "链主", "回归", "绿色低碳"]
# Industry (GB/T 4754 class) and what such a project makes.
PRODUCTS = [
    ("3612", Category.MANUFACTURING, ["新能源整车", "智能网联汽车整车"]),
    ("3670", Category.MANUFACTURING, ["汽车零部件", "新能源汽车底盘", "智能座舱", "汽车线束"]),
    ("3841", Category.MANUFACTURING, ["动力电池", "储能电池", "锂电池材料"]),
    ("3812", Category.MANUFACTURING, ["驱动电机", "伺服电机"]),
    ("3823", Category.MANUFACTURING, ["智能电气", "低压电器", "配电开关"]),
    ("3831", Category.MANUFACTURING, ["高压线缆", "新能源汽车线束"]),
    ("3825", Category.MANUFACTURING, ["光伏组件", "高效光伏电池"]),
    ("3972", Category.MANUFACTURING, ["功率半导体", "车规级芯片"]),
    ("3982", Category.MANUFACTURING, ["柔性电路板", "电子电路"]),
    ("3914", Category.MANUFACTURING, ["工业控制系统", "电控系统"]),
    ("2911", Category.MANUFACTURING, ["新能源汽车轮胎"]),
    ("3581", Category.MANUFACTURING, ["医疗器械", "体外诊断设备"]),
    ("2710", Category.MANUFACTURING, ["生物医药原料药"]),
    ("3963", Category.MANUFACTURING, ["无人机", "低空飞行器"]),
    ("3921", Category.MANUFACTURING, ["通信设备", "5G基站设备"]),
    ("7320", Category.RESEARCH, ["研究院", "创新中心"]),
    ("6513", Category.SERVICES, ["数字经济产业园", "软件研发中心"]),
    ("7212", Category.HEADQUARTERS, ["区域总部", "结算中心"]),
    ("5211", Category.SERVICES, ["商业综合体"]),
    ("4420", Category.INFRASTRUCTURE, ["新型电力基础设施", "综合能源站"]),
]
NAME_FORMS = [
    "年产{n}万套{p}项目",
    "{p}智能制造基地项目",
    "{p}生产基地项目",
    "{p}产业园项目",
    "{p}扩产项目",
    "{p}研发及产业化项目",
]
COMPANY_HEADS = "华瓯鹿龙瑞乐嘉泰东南宏远恒信正德新越海星辰天合中科金欣振"
COMPANY_TAILS = ["科技", "新能源", "智能装备", "电气", "实业", "材料", "汽车部件", "半导体", "医疗"]
GROUPS = [
    "正泰集团",
    "德力西集团",
    "人民电器集团",
    "青山控股",
    "吉利控股",
    "宁德时代",
    "比亚迪",
    "华润集团",
    "中国电建",
    "天能集团",
    "",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林郑谢叶潘"
GIVEN = [
    "建国",
    "伟",
    "芳",
    "海峰",
    "晓东",
    "丽华",
    "志强",
    "敏",
    "立新",
    "文杰",
    "雪梅",
    "国栋",
    "晨",
    "红霞",
    "永刚",
]
LEADER_TITLES = ["副县长", "常务副县长", "县委常委", "副区长", "区委常委"]
STAGE_WEIGHTS = [
    (Stage.LEAD, 10),
    (Stage.NEGOTIATING, 15),
    (Stage.SIGNED, 16),
    (Stage.STARTED, 24),
    (Stage.COMPLETED, 12),
    (Stage.PRODUCTION, 19),
    (Stage.FULL_OUTPUT, 4),
]
# Typical days between reaching one stage and the next.
GAPS = {
    Stage.NEGOTIATING: (15, 120),
    Stage.SIGNED: (30, 240),
    Stage.STARTED: (30, 300),
    Stage.COMPLETED: (240, 720),
    Stage.PRODUCTION: (15, 150),
    Stage.FULL_OUTPUT: (90, 540),
}
FIRST_DAY = datetime.date(2021, 1, 1)
DEMO_PASSWORD = "investrack-demo"
BATCH = 5000


@dataclass
class DemoLogins:
    rows: list[tuple[str, str, str]]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _amount(rng: random.Random) -> Decimal:
    """Total investment from 2,000万 to 300亿, most projects 1–10亿 (log-normal-ish)."""
    exponent = min(max(rng.gauss(8.6, 0.65), 7.31), 10.47)  # 10^7.3 ≈ 2000万, 10^10.47 ≈ 300亿
    value = 10**exponent
    return Decimal(int(value / 100_000) * 100_000)  # rounded to 10万元


def _dates(rng, stage: Stage, as_of: datetime.date) -> dict[Stage, datetime.date]:
    gaps = [rng.randint(*GAPS[s]) for s in Stage if Stage.LEAD < s <= stage]
    span = sum(gaps)
    total = (as_of - FIRST_DAY).days
    if stage < Stage.PRODUCTION:
        # A project still on its way has usually entered its stage lately; one in ten is
        # stuck there for much longer than the usual time to the next stage.
        usual = GAPS[Stage(stage + 1)][1]
        dwell = int(usual * (2.5 if rng.random() < 0.1 else 1) * rng.random() ** 2)
    else:
        dwell = None
    if span + (dwell or 0) > total:  # too long a history to fit since 2021: compress it
        gaps = [max(1, g * total // (span + (dwell or 0) + 1)) for g in gaps]
        span, dwell = sum(gaps), min(dwell or 0, total - sum(gaps)) if dwell is not None else None
    if dwell is None:
        start = FIRST_DAY + datetime.timedelta(days=rng.randint(0, max(total - span, 0)))
    else:
        start = as_of - datetime.timedelta(days=dwell + span)
    dates = {Stage.LEAD: start}
    current = start
    for s, gap in zip([s for s in Stage if Stage.LEAD < s <= stage], gaps, strict=True):
        current = current + datetime.timedelta(days=gap)
        dates[s] = min(current, as_of)
    return dates


def _reference(as_of):
    city = Region.objects.get(code=CITY_CODE)
    counties = list(Region.objects.filter(code__in=COUNTIES).order_by("code"))
    parks = []
    for code, name, region_code, level in PARKS:
        park, _ = Park.objects.get_or_create(
            code=code,
            defaults={"name": name, "region": Region.objects.get(code=region_code), "level": level},
        )
        parks.append(park)
    departments = [
        Department.objects.get_or_create(name=name, defaults={"short_name": short})[0]
        for name, short in DEPARTMENTS
    ]
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    return city, counties, parks, departments, tags


def _people(rng, counties, departments):
    managers, leaders = {}, {}
    for county in counties:
        if not Person.objects.filter(region=county).exists():
            Person.objects.bulk_create(
                [
                    Person(
                        name=_name(rng), title="招商专员", region=county, department=departments[0]
                    )
                    for _ in range(6)
                ]
                + [
                    Person(
                        name=_name(rng),
                        title=county.name + rng.choice(LEADER_TITLES),
                        region=county,
                        is_leader=True,
                    )
                    for _ in range(3)
                ]
            )
        managers[county.pk] = list(Person.objects.filter(region=county, is_leader=False))
        leaders[county.pk] = list(Person.objects.filter(region=county, is_leader=True))
    return managers, leaders


def create_demo_users(city, counties, parks, departments) -> list[tuple[str, str, str]]:
    """Demo log-ins, one per role; returns (user name, role, jurisdiction) rows."""
    specs = [
        ("admin", "市投促局管理员", Role.CITY_ADMIN, city, None, departments[0], True),
        ("viewer", "市统计局查看员", Role.VIEWER, city, None, None, False),
        ("fgw", "市发改委经办人", Role.DEPARTMENT_STAFF, city, None, departments[1], False),
        ("leader", "包联领导", Role.LEADER, counties[0], None, None, False),
        ("etdz", "经开区招商专员", Role.COUNTY_STAFF, parks[0].region, parks[0], None, False),
        # The command room's kiosk: the big screen and nothing else.
        ("screen", "指挥中心大屏", Role.VIEWER, city, None, None, False),
    ]
    for county in counties:
        specs.append(
            (
                f"county{county.code}",
                f"{county.name}招商专员",
                Role.COUNTY_STAFF,
                county,
                None,
                None,
                False,
            )
        )
    rows = []
    for username, full_name, role, region, park, department, staff in specs:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "region": region,
                "park": park,
                "department": department,
                "is_staff": staff,
                "is_superuser": staff,
                "screen_only": username == "screen",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        rows.append((username, str(user.get_role_display()), str(park or region)))
    return rows


def existing_demo_logins() -> list[tuple[str, str, str]]:
    """The demo log-ins already in the database (for `make run` on a loaded database)."""
    users = User.objects.filter(is_active=True)
    names = ["admin", "viewer", "fgw", "leader", "etdz", "screen", "zrzy", "sthj", "zjj"] + [
        f"county{c}" for c in sorted(COUNTIES)
    ]
    found = {
        u.username: u for u in users.filter(username__in=names).select_related("region", "park")
    }
    return [
        (n, str(found[n].get_role_display()), str(found[n].park or found[n].region))
        for n in names
        if n in found
    ]


@dataclass
class DemoWorld:
    """What the demo's projects are drawn from: the city, its counties, parks and people."""

    as_of: datetime.date
    city: Region
    counties: list[Region]
    parks_by_county: dict[int, list[Park]]
    departments: list[Department]
    tags: list[Tag]
    managers: dict[int, list[Person]]
    leaders: dict[int, list[Person]]
    recorder: dict[int, User]
    logins: list[tuple[str, str, str]]


def demo_world(*, seed: int, as_of: datetime.date) -> DemoWorld:
    """The reference rows, people and log-ins of the demo city (idempotent)."""
    city, counties, parks, departments, tags = _reference(as_of)
    managers, leaders = _people(random.Random(seed + 1), counties, departments)
    logins = create_demo_users(city, counties, parks, departments)
    parks_by_county: dict[int, list[Park]] = {}
    for park in parks:
        parks_by_county.setdefault(park.region_id, []).append(park)
    return DemoWorld(
        as_of=as_of,
        city=city,
        counties=counties,
        parks_by_county=parks_by_county,
        departments=departments,
        tags=tags,
        managers=managers,
        leaders=leaders,
        recorder={c.pk: User.objects.get(username=f"county{c.code}") for c in counties},
        logins=logins,
    )


def demo_credit_code(n: int) -> str:
    """A well-formed unified social credit code (企业, registered in Wenzhou) for the n-th
    demo investor: its 9-character organisation code counts n in the code's alphabet."""
    digits = []
    for _ in range(8):
        n, d = divmod(n, 31)
        digits.append(CREDIT_CODE_CHARS[d])
    first17 = "91330300" + "M" + "".join(reversed(digits))
    return first17 + credit_code_check_char(first17)


def _investor_pool(rng: random.Random, projects: int) -> list[Investor]:
    """A pool shared by projects, so that groups have several projects and phases."""
    existing = Investor.objects.count()
    pool = max(50, projects // 3)
    investors = [
        Investor.named(
            f"温州{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_TAILS)}有限公司{existing + i:05d}",
            credit_code=demo_credit_code(existing + i),
            parent_group=rng.choice(GROUPS),
            origin=rng.choices(
                [Origin.DOMESTIC, Origin.FOREIGN, Origin.HMT, Origin.RETURNING], [70, 8, 7, 15]
            )[0],
        )
        for i in range(pool)
    ]
    Investor.objects.bulk_create(investors, batch_size=BATCH)
    Investor.objects.mark_namesakes(
        keys=[i.name_key for i in investors], codes=[i.credit_code for i in investors]
    )
    return list(Investor.objects.order_by("-id")[:pool])


def _planned_dates(rng: random.Random, dates: dict) -> dict[str, datetime.date]:
    """Planned dates, each following the previous one, as the services require."""
    planned = {
        "planned_sign_date": dates.get(Stage.NEGOTIATING, dates[Stage.LEAD])
        + datetime.timedelta(days=rng.randint(60, 200)),
        "planned_start_date": dates.get(
            Stage.SIGNED, dates[Stage.LEAD] + datetime.timedelta(days=200)
        )
        + datetime.timedelta(days=rng.randint(60, 240)),
    }
    planned["planned_start_date"] = max(planned["planned_start_date"], planned["planned_sign_date"])
    planned["planned_completion_date"] = max(
        dates.get(Stage.STARTED, planned["planned_start_date"]),
        planned["planned_start_date"],
    ) + datetime.timedelta(days=rng.randint(360, 720))
    planned["planned_production_date"] = max(
        dates.get(Stage.COMPLETED, planned["planned_completion_date"]),
        planned["planned_completion_date"],
    ) + datetime.timedelta(days=rng.randint(30, 120))
    return planned


@dataclass
class _Drawn:
    """A project drawn at random, with what its events, tags and reports are made from."""

    project: Project
    dates: dict
    county: Region
    r: float
    tags: list[Tag]
    amount: Decimal


def _place(project: Project, n: int, county_code: str) -> None:
    """A site within a few kilometres of the county seat, drawn apart from the seed's draws
    (a city drawn before projects had places stays the same city)."""
    seat = SEATS.get(county_code)
    if seat is None:
        return
    draw = random.Random(n * 7919 + 17)
    project.longitude = Decimal(f"{seat[0] + draw.gauss(0, 0.035):.6f}")
    project.latitude = Decimal(f"{seat[1] + draw.gauss(0, 0.03):.6f}")


def _draw_project(rng, n: int, world: DemoWorld, investors, lookups) -> _Drawn:
    """One random project (the order of the draws keeps a seed's city unchanged)."""
    industries, chain_links = lookups
    counties, as_of = world.counties, world.as_of
    stages, weights = zip(*STAGE_WEIGHTS, strict=True)
    county_index = rng.randrange(len(counties))
    county = counties[county_index]
    park = rng.choice(world.parks_by_county.get(county.pk, [None]) + [None])
    code, category, product_names = PRODUCTS[rng.randrange(len(PRODUCTS))]
    stage = Stage(rng.choices(stages, weights)[0])
    dates = _dates(rng, stage, as_of)
    amount = _amount(rng)
    land = (amount / Decimal(10_000) / Decimal(rng.randint(150, 900))).quantize(Decimal("0.1"))
    product = rng.choice(product_names)
    name = rng.choice(NAME_FORMS).format(n=rng.randint(1, 200) * 5, p=product)
    year = dates[Stage.LEAD].year
    drawn_investor = rng.randrange(len(investors))
    if n % 400 != 7:  # an investor deals with one county; now and then two chase it (撞单)
        spread = len(counties)
        drawn_investor = min(drawn_investor - drawn_investor % spread + county_index,
                             len(investors) - 1)  # fmt: skip
    investor = investors[drawn_investor]
    foreign = (
        (amount * Decimal(rng.randint(20, 60)) / 100 / 7).quantize(Decimal("100000"))
        if investor.origin in (Origin.FOREIGN, Origin.HMT)
        else None
    )
    planned = _planned_dates(rng, dates)
    dropped = stage < Stage.PRODUCTION and rng.random() < 0.04
    stalled = not dropped and Stage.SIGNED <= stage <= Stage.STARTED and rng.random() < 0.08
    project = Project(
        name=f"{investor.name[2:6]}{name}",
        code=f"{county.code}-{year}-{n + 1:07d}",
        national_code=(
            f"{dates[Stage.SIGNED].year}-{county.code}-{code[:2]}-03-{n + 1:06d}"
            if stage >= Stage.SIGNED and rng.random() < 0.7 and n < 999_999
            else ""
        ),
        investor=investor,
        category=category,
        industry=industries.get(code),
        chain_link_id=chain_links.get(CHAIN_LINK_OF_PRODUCT.get(product, "")),
        region=county,
        park=park,
        total_investment=amount,
        foreign_investment=foreign,
        foreign_currency="USD",
        land_area=land if category != Category.HEADQUARTERS else None,
        expected_annual_output=amount * Decimal(rng.randint(8, 25)) / 10,
        expected_annual_tax=(amount * Decimal(rng.randint(3, 12)) / 100).quantize(Decimal(1)),
        source_channel=rng.choice(SourceChannel.values),
        stage=stage,
        stage_since=dates[stage],
        dropped_on=(dates[stage] + datetime.timedelta(days=rng.randint(10, 200)))
        if dropped
        else None,
        drop_reason="企业投资计划调整，项目终止" if dropped else "",
        is_stalled=stalled,
        stalled_reason="用地指标未落实，项目暂缓推进" if stalled else "",
        responsible_person=rng.choice(world.managers[county.pk]),
        **planned,
    )
    if project.dropped_on and project.dropped_on > as_of:
        project.dropped_on = as_of
    for stage_, day in dates.items():
        setattr(project, STAGE_DATE_FIELD[stage_], day)
    _place(project, n, county.code)
    r = rng.random()
    chosen_tags = rng.sample(world.tags, k=rng.choice([0, 0, 1, 1, 2]))
    return _Drawn(project, dates, county, r, chosen_tags, amount)


def _entered(day: datetime.date, project: Project, now: datetime.datetime) -> datetime.datetime:
    """When the county entered an event of ``day``: a few days later (never after now), so
    that the demo city's figures have a record clock as a real one does."""
    late = sum(map(ord, project.code)) % 12
    moment = datetime.datetime.combine(day + datetime.timedelta(days=late), datetime.time(10))
    return min(timezone.make_aware(moment), now)


def _events(drawn: _Drawn, who: User, as_of: datetime.date) -> list[StageEvent]:
    """The stage events that brought a drawn project where it stands."""
    project = drawn.project
    now = timezone.now()
    events = [
        StageEvent(
            project=project,
            kind=StageEvent.Kind.ADVANCE,
            stage=stage,
            effective_date=day,
            recorded_by=who,
            recorded_at=_entered(day, project, now),
            note="",
        )
        for stage, day in sorted(drawn.dates.items())
    ]
    if project.dropped_on:
        events.append(
            StageEvent(
                project=project,
                kind=StageEvent.Kind.DROP,
                effective_date=project.dropped_on,
                note=project.drop_reason,
                recorded_by=who,
                recorded_at=_entered(project.dropped_on, project, now),
            )
        )
    if project.is_stalled:
        events.append(
            StageEvent(
                project=project,
                kind=StageEvent.Kind.STALL,
                effective_date=min(project.stage_since + datetime.timedelta(days=30), as_of),
                note=project.stalled_reason,
                recorded_by=who,
                recorded_at=now,
            )
        )
    return events


def _reports(drawn: _Drawn, who: User, as_of: datetime.date, recorded_at) -> list[dict]:
    """Monthly progress reports from the start (most report every month; one in eight
    stopped reporting a while ago); foreign capital arrives over the months of
    construction (in US dollars)."""
    dates, project, r = drawn.dates, drawn.project, drawn.r
    if Stage.STARTED not in dates:
        return []
    start = dates[Stage.STARTED].replace(day=1)
    end = dates.get(Stage.COMPLETED, as_of).replace(day=1)
    months = (end.year - start.year) * 12 + end.month - start.month
    if Stage.COMPLETED in dates:
        months += 1
    if r > 0.875:
        months = min(months, 1 + int(r * 1000) % 6)
    monthly = (drawn.amount / Decimal(max(24, months))).quantize(Decimal("10000"))
    foreign_monthly = (
        (project.foreign_investment / Decimal(max(24, months))).quantize(Decimal(100))
        if project.foreign_investment
        else None
    )
    reports = []
    for k in range(months):
        y, m = divmod(start.month - 1 + k, 12)
        period = datetime.date(start.year + y, m + 1, 1)
        reports.append(
            {
                "project_id": project.pk,
                "period": period,
                "investment_completed": monthly,
                "foreign_investment_arrived": foreign_monthly,
                "construction_progress": min(100, (k + 1) * 100 // max(months, 12)),
                "note": "",
                "reported_by_id": who.pk,
                "reported_at": recorded_at(period),
            }
        )
    return reports


def _report_moments():
    """When a month's report is recorded: early the next month (never after now)."""
    seeding_started = timezone.now()
    recorded: dict = {}

    def recorded_at(period: datetime.date) -> datetime.datetime:
        if period not in recorded:
            day = period + datetime.timedelta(days=38)
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
            recorded[period] = min(moment, seeding_started)
        return recorded[period]

    return recorded_at


@transaction.atomic
def seed_projects(
    world: DemoWorld, *, projects: int, seed: int, progress: bool = True, log=None
) -> None:
    """``projects`` random projects of the demo city with their history, in batches, each
    batch one write through the hook (its totals and lights kept as for any other write)."""
    rng = random.Random(seed)
    as_of = world.as_of
    recorded_at = _report_moments()
    lookups = (
        {i.code: i for i in Industry.objects.filter(code__in=[p[0] for p in PRODUCTS])},
        dict(ChainLink.objects.filter(chain__name="新能源汽车").values_list("name", "pk")),
    )
    investors = _investor_pool(rng, projects)
    start_index = Project.objects.count()
    made = 0
    Through = Project.tags.through
    Leaders = Project.linked_leaders.through
    while made < projects:
        size = min(BATCH, projects - made)
        drawn = [
            _draw_project(rng, start_index + made + i, world, investors, lookups)
            for i in range(size)
        ]
        with project_write(None) as write:
            Project.objects.bulk_create([d.project for d in drawn], batch_size=BATCH)
            if drawn[0].project.pk is None:  # pragma: no cover - both backends return ids
                raise RuntimeError("bulk_create did not return ids")
            events, reports, tag_rows, leader_rows = [], [], [], []
            for d in drawn:
                who = world.recorder[d.county.pk]
                events += _events(d, who, as_of)
                chosen = set(d.tags)
                if d.amount >= Decimal(10_000_000_000):
                    chosen.add(world.tags[2])
                tag_rows += [Through(project_id=d.project.pk, tag_id=t.pk) for t in chosen]
                if d.amount >= Decimal(100_000_000) or d.r < 0.3:
                    leader = world.leaders[d.county.pk][int(d.r * 1000) % 3]
                    leader_rows.append(Leaders(project_id=d.project.pk, person_id=leader.pk))
                if progress:
                    reports += _reports(d, who, as_of, recorded_at)
            StageEvent.objects.bulk_create(events, batch_size=BATCH)
            insert_rows(ProgressReport, reports)
            Through.objects.bulk_create(tag_rows, batch_size=BATCH)
            Leaders.objects.bulk_create(leader_rows, batch_size=BATCH)
            write.created([d.project.pk for d in drawn])
        made += size
        if log:
            log(f"{made} / {projects}")
