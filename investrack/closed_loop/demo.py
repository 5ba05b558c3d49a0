"""The closed loop of the demo city: department log-ins, admission standards, approval
checklists and problems at every step, some overdue. Written in bulk like the projects of
the demo (``projects.demo``), with dates in the past that the services would only reach by
living through them."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from investrack.accounts.models import Department, Person, Role, User
from investrack.closed_loop.models import (
    AdmissionStandard,
    ApprovalItem,
    ApprovalStatus,
    ApprovalTemplate,
    Escalation,
    Problem,
    ProblemEvent,
    ProblemStatus,
)
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar
from investrack.projects.models import Project, Stage
from investrack.projects.write import project_write

# Which department handles which kind of problem, and what counties typically write.
PROBLEMS = [
    ("land", "自然资源局", "用地指标未落实", "项目二期用地尚缺建设用地指标，影响供地进度。"),
    ("land", "自然资源局", "土地征收进度滞后", "涉及3户农房未完成征迁，影响场地平整。"),
    ("approvals", "生态环境局", "环评审批进度慢", "环评报告书已报送，尚未组织专家评审。"),
    ("approvals", "住建局", "施工许可办理卡在图审", "施工图审查意见反复，需协调加快出具合格书。"),
    ("energy", "发改委", "能耗指标缺口", "项目年综合能耗约2.6万吨标煤，县内指标不足。"),
    ("infrastructure", "供电公司", "专线供电未接入", "需新建10千伏专线，供电方案尚未批复。"),
    ("infrastructure", "住建局", "园区道路未贯通", "厂区出入口道路未建成，影响设备进场。"),
    ("funding", "发改委", "专项债资金未到位", "申报的专项债额度尚未下达。"),
    ("labour", "经信局", "技术工人招聘困难", "投产前需招聘熟练技工约300人。"),
    ("policy", "经信局", "招商协议奖励政策兑现", "协议约定的设备补助尚未兑现。"),
]
STANDARD_INTENSITY = Decimal("200")  # 万元/亩
STANDARD_TAX = Decimal("12")  # 万元/亩·年
DEMO_DEPARTMENT_USERS = [
    ("zrzy", "市自然资源局经办人", "自然资源局"),
    ("sthj", "市生态环境局经办人", "生态环境局"),
    ("zjj", "市住建局经办人", "住建局"),
]


def demo_department_users(city) -> list[tuple[str, str, str]]:
    from investrack.projects.demo import DEMO_PASSWORD

    rows = []
    for username, full_name, short in DEMO_DEPARTMENT_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": Role.DEPARTMENT_STAFF,
                "region": city,
                "department": Department.objects.get(short_name=short),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        rows.append((username, str(user.get_role_display()), str(city)))
    return rows


def seed_standards(counties) -> None:
    """The counties' admission standards (亩均): set before the projects are loaded, as a
    county sets them before it admits projects, so the loaded projects' lights count them."""
    for county in counties:
        AdmissionStandard.objects.get_or_create(
            region=county,
            defaults={"min_intensity": STANDARD_INTENSITY, "min_tax_per_mu": STANDARD_TAX},
        )


def seed_closed_loop(*, city, counties, as_of: datetime.date, seed: int, log=None):
    rng = random.Random(seed)
    departments = {d.short_name: d for d in Department.objects.all()}
    for template in ApprovalTemplate.objects.filter(department__isnull=True):
        short = (
            "发改委"
            if "立项" in template.name or "能评" in template.name
            else "生态环境局"
            if "环" in template.name or "排污" in template.name
            else "自然资源局"
            if "用地" in template.name or "规划" in template.name
            else "住建局"
        )
        template.department = departments.get(short)
        template.save(update_fields=["department"])
    seed_standards(counties)
    # The demo leader log-in is the first county's first leader.
    leader = Person.objects.filter(region=counties[0], is_leader=True).order_by("id").first()
    if leader and not leader.user_id:
        leader.user = User.objects.filter(username="leader").first()
        leader.save(update_fields=["user"])
    _checklists(rng, as_of)
    _problems(rng, as_of, departments)


def _checklists(rng, as_of):
    templates = list(ApprovalTemplate.objects.all())
    projects = list(
        Project.objects.filter(
            stage__in=[Stage.SIGNED, Stage.STARTED, Stage.COMPLETED], dropped_on__isnull=True
        )
        .order_by("id")
        .values_list("pk", "category", "stage", "signed_on")[:2000]
    )
    items = []
    for pk, category, stage, signed_on in projects:
        for t in templates:
            if t.category not in ("", category):
                continue
            done = t.needed_before <= stage or rng.random() < 0.4
            submitted = signed_on + datetime.timedelta(days=rng.randint(5, 60))
            approved = submitted + datetime.timedelta(days=rng.randint(10, 90))
            if done and approved <= as_of:
                status = ApprovalStatus.APPROVED
            elif submitted <= as_of and rng.random() < 0.6:
                status, approved = ApprovalStatus.IN_PROGRESS, None
            else:
                status, submitted, approved = ApprovalStatus.NOT_STARTED, None, None
            items.append(
                t.item_for(pk, status=status, submitted_on=submitted, approved_on=approved)
            )
    ApprovalItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _problems(rng, as_of, departments):
    calendar = WorkCalendar()
    candidates = list(
        Project.objects.filter(
            stage__in=[Stage.SIGNED, Stage.STARTED, Stage.COMPLETED], dropped_on__isnull=True
        )
        .order_by("id")
        .values_list("pk", "region_id", "stage_since")
    )
    chosen = rng.sample(candidates, min(len(candidates), max(20, len(candidates) // 8), 400))
    raisers = dict(
        User.objects.filter(username__startswith="county").values_list("region_id", "pk")
    )
    problems, steps = [], []
    for pk, region_id, since in chosen:
        category, short, title, description = rng.choice(PROBLEMS)
        raised_on = max(since, as_of - datetime.timedelta(days=rng.randint(1, 90)))
        working_days = rng.choice([5, 10, 15, 20])
        try:
            deadline = calendar.add(raised_on, working_days)
        except UnknownHolidayYear:
            continue
        statuses = [
            ProblemStatus.RAISED,
            ProblemStatus.ACCEPTED,
            ProblemStatus.IN_PROGRESS,
            ProblemStatus.RESOLVED,
            ProblemStatus.CONFIRMED,
        ]
        status = rng.choices(statuses, [15, 15, 30, 15, 25])[0]
        if len(problems) < len(statuses):  # a small demo still shows every step of the loop
            status = statuses[len(problems)]
        resolved_on = None
        if status in (ProblemStatus.RESOLVED, ProblemStatus.CONFIRMED):
            resolved_on = min(as_of, raised_on + datetime.timedelta(days=rng.randint(2, 30)))
        problems.append(
            Problem(
                project_id=pk,
                title=title,
                description=description,
                category=category,
                urgency=rng.choice([1, 1, 2, 3]),
                department=departments[short],
                working_days=working_days,
                status=status,
                raised_on=raised_on,
                assigned_on=raised_on,
                deadline=deadline,
                resolved_on=resolved_on,
                confirmed_on=resolved_on if status == ProblemStatus.CONFIRMED else None,
                reply="已协调相关部门解决。" if resolved_on else "",
                escalation=Escalation.NONE,
                raised_by_id=raisers[region_id],
            )
        )
    # The problems change their projects' lights: they are loaded as one project write.
    with project_write(None, {p.project_id for p in problems}):
        Problem.objects.bulk_create(problems, batch_size=1000)
    order = [
        (ProblemEvent.Kind.RAISED, ProblemStatus.RAISED),
        (ProblemEvent.Kind.ACCEPTED, ProblemStatus.ACCEPTED),
        (ProblemEvent.Kind.STARTED, ProblemStatus.IN_PROGRESS),
        (ProblemEvent.Kind.RESOLVED, ProblemStatus.RESOLVED),
        (ProblemEvent.Kind.CONFIRMED, ProblemStatus.CONFIRMED),
    ]
    statuses = [s for _k, s in order]
    for problem in problems:
        days = [0, 1, 2]
        if problem.resolved_on:
            days += [(problem.resolved_on - problem.raised_on).days]
            days += [min((as_of - problem.raised_on).days, days[-1] + 1)]
        for step, (kind, status) in enumerate(order[: statuses.index(problem.status) + 1]):
            when = problem.raised_on + datetime.timedelta(days=max(days[: step + 1]))
            steps.append(
                ProblemEvent(
                    problem=problem,
                    kind=kind,
                    status_after=status,
                    text=problem.description if kind == ProblemEvent.Kind.RAISED else "",
                    actor_id=problem.raised_by_id if kind == ProblemEvent.Kind.RAISED else None,
                    at=_moment(min(when, as_of)),
                )
            )
    ProblemEvent.objects.bulk_create(steps, batch_size=2000)
