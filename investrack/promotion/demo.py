"""The promotion front of the demo city: a few visits and talks on the open leads, some
with a next step due soon or overdue, so the visits log and its reminders have something
to show. Deterministic for a seed; written in bulk like the rest of the demo."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from investrack.accounts.models import Role, User
from investrack.projects.models import Project, Stage
from investrack.projects.write import project_write
from investrack.promotion.models import EventProject, PromotionEvent, TargetEnterprise, Visit

TALKS = [
    (
        "企业董事长、投资总监",
        "初步介绍项目选址需求，拟用地约{mu}亩，意向落户园区。",
        "提供三处备选地块资料",
    ),
    (
        "企业总经理",
        "就供地方式、能耗指标及配套政策进行洽谈，企业对区位较为认可。",
        "报送项目可研及能评初稿",
    ),
    (
        "企业投资发展部负责人",
        "现场踏勘备选地块，企业提出专线供电和道路配套诉求。",
        "协调供电公司出具供电方案",
    ),
    (
        "企业副总裁",
        "双方就投资协议主要条款达成初步一致，待企业董事会审议。",
        "提交协议文本征求意见",
    ),
    ("企业创始人", "线上对接，企业介绍产品与产能规划，计划分两期建设。", "组织赴企业总部回访"),
]
CHUNK = 5000
WHO_WENT = {
    Visit.Rank.CITY_HEAD: "市主要领导、市投促局",
    Visit.Rank.COUNTY_HEAD: "县区主要领导、商务局",
    Visit.Rank.COUNTY_DEPUTY: "分管副县长、招商中心",
    Visit.Rank.STAFF: "招商中心驻点小分队",
}


def seed_promotion(*, as_of: datetime.date, seed: int) -> None:
    """Every open lead talked to: most within the last weeks, one in seven left without
    contact for over a month (the "no contact" rule lights it), one in eight with a next
    step due in the coming days or overdue. Dated up to today, not the end of the demo's
    history: the "no contact" light is read today, and the talks go on."""
    as_of = max(as_of, timezone.localdate())
    rng = random.Random(seed * 31 + 7)
    staff: dict[int, User] = {}
    for user in User.objects.filter(role=Role.COUNTY_STAFF, park__isnull=True).order_by("pk"):
        staff.setdefault(user.region_id, user)
    bureau = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    open_leads = (
        Project.objects.filter(stage__in=[Stage.LEAD, Stage.NEGOTIATING], dropped_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "region_id", "lead_on", "negotiating_on", "land_area")
    )
    visits: list[Visit] = []
    for pk, region_id, lead_on, negotiating_on, land_area in open_leads.iterator(chunk_size=CHUNK):
        owner = staff.get(region_id, bureau)
        start = min(lead_on or negotiating_on or as_of, as_of)
        span = (as_of - start).days
        if span < 2:
            continue
        neglected = rng.random() < 1 / 7
        last = (
            rng.randint(31, max(span, 31)) if neglected else rng.randint(1, min(25, span - 1))
        )  # days before as_of
        if last > span:
            continue  # neglected since it was registered: no visit at all
        days_back = sorted({last, *(rng.randint(last, span) for _ in range(rng.randint(0, 2)))})
        for n, back in enumerate(reversed(days_back)):
            met, agreed, step = TALKS[min(n * 2 + rng.randrange(2), len(TALKS) - 1)]
            rank = rng.choice(list(WHO_WENT))
            visited = as_of - datetime.timedelta(days=back)
            stepped = back == last and rng.random() < 1 / 8
            visits.append(
                Visit(
                    project_id=pk,
                    visited_on=visited,
                    where=rng.choice(Visit.Where.values),
                    rank=rank,
                    who_went=WHO_WENT[rank],
                    met=met,
                    agreed=agreed.format(mu=int(land_area or 80)),
                    next_step=step if stepped else "",
                    next_due=max(visited, as_of + datetime.timedelta(days=rng.randint(-10, 20)))
                    if stepped
                    else None,
                    next_owner=owner if stepped else None,
                    recorded_by=owner,
                )
            )
        if len(visits) >= CHUNK:
            _write(visits)
            visits = []
    _write(visits)


def _write(visits: list[Visit]) -> None:
    """The visits change their leads' lights: written as one project write, as the demo's
    problems are."""
    with project_write(None, {v.project_id for v in visits}):
        Visit.objects.bulk_create(visits)


def seed_events(*, as_of: datetime.date) -> None:
    """A few events of the last months: the city's mass signing and ground-breaking on the
    day most projects of a quarter were signed or started (the projects of that day are
    the ceremony's), a city conference and a county's trip with the leads registered in
    the weeks after them (where they stand now shows what each brought)."""
    from django.db.models import Count

    from investrack.regions.models import Region

    bureau = User.objects.filter(role=Role.CITY_ADMIN, park__isnull=True).order_by("pk").first()
    if bureau is None or bureau.region is None:
        return
    city = bureau.region
    since = as_of - datetime.timedelta(days=120)
    live = Project.objects.filter(dropped_on__isnull=True)
    events = []
    for kind, field, title in (
        (PromotionEvent.Kind.SIGNING, "signed_on", "温州市重大项目集中签约活动"),
        (PromotionEvent.Kind.START, "started_on", "温州市重大项目集中开工活动"),
    ):
        busiest = (
            live.filter(**{f"{field}__gte": since, f"{field}__lte": as_of})
            .values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
            .first()
        )
        if busiest:
            day = busiest[field]
            members = live.filter(**{field: day}).order_by("pk").values_list("pk", flat=True)[:40]
            events.append((kind, f"{day:%Y}年{day.month}月{title}", day, city, members))
    county = Region.objects.filter(code="330303").first()
    for kind, title, back, region in (
        (PromotionEvent.Kind.CONFERENCE, "温州市民营经济发展大会暨招商推介会", 100, city),
        (PromotionEvent.Kind.TRIP, "龙湾区赴深圳新能源产业链招商", 75, county),
    ):
        if region is None:
            continue
        day = as_of - datetime.timedelta(days=back)
        window = live.filter(lead_on__gt=day, lead_on__lte=day + datetime.timedelta(days=30))
        if region != city:
            window = window.filter(region=region)
        events.append(
            (kind, title, day, region, window.order_by("pk").values_list("pk", flat=True)[:25])
        )
    for kind, name, day, region, members in events:
        event = PromotionEvent.objects.create(
            kind=kind, name=name, held_on=day, region=region, recorded_by=bureau,
            place="温州市人民大会堂" if region == city else "深圳市",
        )  # fmt: skip
        EventProject.objects.bulk_create(
            EventProject(event=event, project_id=pk, added_by=bureau) for pk in members
        )


# Enterprises a city's chain office lists for its links (names made up, as officials write
# them): the reason is what makes each worth a trip.
TARGETS = [
    ("动力电池", "江苏锂能新材料科技有限公司", "宁德时代正极材料供应商", "江苏常州"),
    ("动力电池", "湖南储芯电池科技股份有限公司", "国家级专精特新“小巨人”", "湖南长沙"),
    ("驱动电机", "浙江精驱电机有限公司", "链主企业驱动电机配套商", "浙江宁波"),
    ("电控系统", "深圳芯控电子科技有限公司", "车规级IGBT模块，拟在长三角布局产能", "广东深圳"),
    ("传感器", "上海感知微电子有限公司", "毫米波雷达，国家高新技术企业", "上海"),
    ("传感器", "苏州光测智能科技有限公司", "激光雷达整机，链主企业二级供应商", "江苏苏州"),
    ("智能座舱", "合肥智舱科技有限公司", "座舱域控制器，头部车企定点", "安徽合肥"),
    ("充电设施", "广州快充能源科技有限公司", "超充桩制造商，寻找华东生产基地", "广东广州"),
]


def seed_targets() -> None:
    """The first chain's targets: most not yet called, a few contacted, one already a lead
    (an open lead's investor is put on the list under its own name)."""
    from investrack.projects.investor_keys import investor_name_key
    from investrack.regions.models import ChainLink, IndustryChain

    chain = IndustryChain.objects.order_by("pk").first()
    bureau = User.objects.filter(role=Role.CITY_ADMIN, park__isnull=True).order_by("pk").first()
    links = {
        link.name: link for link in ChainLink.objects.filter(chain=chain).select_related("chain")
    }
    if bureau is None or not links:
        return
    rows = []
    for n, (link_name, name, reason, based_in) in enumerate(TARGETS):
        if link_name in links:
            rows.append(
                TargetEnterprise(
                    chain_link=links[link_name], name=name, name_key=investor_name_key(name),
                    reason=reason, based_in=based_in, region=bureau.region, added_by=bureau,
                    status="contacted" if n % 3 == 1 else "not_contacted",
                )
            )  # fmt: skip
    lead = (
        Project.objects.filter(stage__lte=Stage.NEGOTIATING, dropped_on__isnull=True)
        .exclude(investor=None)
        .select_related("investor")
        .order_by("pk")
        .first()
    )
    if lead is not None and "整车制造" in links:
        rows.append(
            TargetEnterprise(
                chain_link=links["整车制造"], name=lead.investor.name,
                name_key=lead.investor.name_key, reason="整车项目意向落地", based_in="浙江杭州",
                region=bureau.region, added_by=bureau, status="contacted",
            )
        )  # fmt: skip
    TargetEnterprise.objects.bulk_create(rows, ignore_conflicts=True)
