"""The promotion front of the demo city: a few visits and talks on the open leads, some
with a next step due soon or overdue, so the visits log and its reminders have something
to show. Deterministic for a seed; written in bulk like the rest of the demo."""

from __future__ import annotations

import datetime
import random

from investrack.accounts.models import Role, User
from investrack.projects.models import Project, Stage
from investrack.promotion.models import Visit

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
WHO_WENT = {
    Visit.Rank.CITY_HEAD: "市主要领导、市投促局",
    Visit.Rank.COUNTY_HEAD: "县区主要领导、商务局",
    Visit.Rank.COUNTY_DEPUTY: "分管副县长、招商中心",
    Visit.Rank.STAFF: "招商中心驻点小分队",
}


def seed_promotion(*, as_of: datetime.date, seed: int, leads: int = 60) -> None:
    rng = random.Random(seed * 31 + 7)
    staff: dict[int, User] = {}
    for user in User.objects.filter(role=Role.COUNTY_STAFF, park__isnull=True).order_by("pk"):
        staff.setdefault(user.region_id, user)
    open_leads = (
        Project.objects.filter(
            stage__in=[Stage.LEAD, Stage.NEGOTIATING],
            dropped_on__isnull=True,
            region_id__in=staff,
        )
        .only("pk", "region_id", "lead_on", "land_area")
        .order_by("pk")[:leads]
    )
    visits = []
    for project in open_leads:
        owner = staff[project.region_id]
        start = min(project.lead_on or as_of, as_of) - datetime.timedelta(days=1)
        span = max((as_of - start).days, 1)
        days = sorted(rng.sample(range(1, span + 1), k=min(rng.randint(1, 3), span)))
        for n, day in enumerate(days):
            met, agreed, step = TALKS[min(n * 2 + rng.randrange(2), len(TALKS) - 1)]
            rank = rng.choice(list(WHO_WENT))
            visited = start + datetime.timedelta(days=day)
            last = n == len(days) - 1
            visits.append(
                Visit(
                    project_id=project.pk,
                    visited_on=visited,
                    where=rng.choice(Visit.Where.values),
                    rank=rank,
                    who_went=WHO_WENT[rank],
                    met=met,
                    agreed=agreed.format(mu=int(project.land_area or 80)),
                    # The last talk leaves a step: some due in the coming days, some late.
                    next_step=step if last else "",
                    next_due=max(visited, as_of + datetime.timedelta(days=rng.randint(-10, 20)))
                    if last
                    else None,
                    next_owner=owner if last else None,
                    recorded_by=owner,
                )
            )
    Visit.objects.bulk_create(visits)
