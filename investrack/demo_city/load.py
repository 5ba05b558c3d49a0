"""The demo city 温州市, deterministic for a seed: each app's part, in the order they
depend on one another."""

from __future__ import annotations

import datetime

from django.db import transaction

from investrack.closed_loop.demo import demo_department_users, seed_closed_loop, seed_standards
from investrack.insights.demo import seed_insights
from investrack.projects.demo import DemoLogins, demo_world, seed_projects
from investrack.promotion.demo import seed_events, seed_promotion, seed_targets


@transaction.atomic
def seed_demo(
    *, projects: int, seed: int, as_of: datetime.date, progress: bool = True, log=None
) -> DemoLogins:
    world = demo_world(seed=seed, as_of=as_of)
    seed_standards(world.counties)  # before the projects: their lights count the standards
    seed_projects(world, projects=projects, seed=seed, progress=progress, log=log)
    logins = world.logins + demo_department_users(world.city)
    seed_closed_loop(city=world.city, counties=world.counties, as_of=as_of, seed=seed)
    seed_insights(city=world.city, as_of=as_of, seed=seed)
    seed_promotion(as_of=as_of, seed=seed)
    seed_events(as_of=as_of)
    seed_targets()
    return DemoLogins(rows=logins)
