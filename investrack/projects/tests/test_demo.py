"""The demo city: realistic, spread over every stage, and the same for the same seed."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min

from investrack.accounts.models import User
from investrack.demo_city.load import seed_demo
from investrack.projects.models import Project, Stage, StageEvent

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 20)


def fingerprint():
    return list(
        Project.objects.order_by("code").values_list(
            "code", "name", "stage", "total_investment", "signed_on", "region__code"
        )
    )


def test_same_seed_same_city():
    seed_demo(projects=120, seed=7, as_of=AS_OF)
    first = fingerprint()
    Project.tags.through.objects.all().delete()
    Project.linked_leaders.through.objects.all().delete()
    from investrack.closed_loop.models import ApprovalItem, Problem, ProblemEvent
    from investrack.projects.models import ProgressReport

    ProgressReport.objects.all().delete()
    ProblemEvent.objects.all()._raw_delete(ProblemEvent.objects.db)
    Problem.objects.all().delete()
    ApprovalItem.objects.all().delete()
    StageEvent.objects.all()._raw_delete(StageEvent.objects.db)
    from investrack.closed_loop.models import LightChange, LightTotal, ProjectLight

    LightChange.objects.all()._raw_delete(LightChange.objects.db)
    ProjectLight.objects.all().delete()
    LightTotal.objects.all().delete()
    from investrack.projects.models import MapCell, ProgressTotal, StageTotal, StageTotalDay
    from investrack.projects.write import project_write

    StageTotal.objects.all().delete()
    StageTotalDay.objects.all().delete()
    ProgressTotal.objects.all().delete()
    MapCell.objects.all().delete()
    from investrack.promotion.models import EventProject, PromotionEvent, Visit

    Visit.objects.all()._raw_delete(Visit.objects.db)
    EventProject.objects.all()._raw_delete(EventProject.objects.db)
    PromotionEvent.objects.all().delete()
    with project_write(None):  # emptying the city for the second load, as a write
        Project.objects.all().delete()
    seed_demo(projects=120, seed=7, as_of=AS_OF)
    assert [row[1:] for row in fingerprint()] == [row[1:] for row in first]


def test_demo_city_is_realistic():
    seed_demo(projects=400, seed=1, as_of=AS_OF)
    stages = dict(Project.objects.values_list("stage").annotate(n=Count("id")))
    assert set(stages) == set(Stage.values)
    bounds = Project.objects.aggregate(lo=Min("total_investment"), hi=Max("total_investment"))
    assert bounds["lo"] >= 20_000_000 and bounds["hi"] <= 30_000_000_000
    assert Project.objects.values("region").distinct().count() == 8
    years = {d.year for d in Project.objects.values_list("lead_on", flat=True)}
    assert years <= set(range(2021, 2027)) and len(years) >= 5
    # Every stage up to the current one has its event and its date.
    project = Project.objects.filter(stage=Stage.PRODUCTION).first()
    assert project.events.filter(kind=StageEvent.Kind.ADVANCE).count() == Stage.PRODUCTION
    assert project.started_on <= project.completed_on <= project.production_on <= AS_OF


def test_command_prints_the_demo_log_ins(capsys):
    call_command("seed_demo", projects=30, seed=3)
    out = capsys.readouterr().out
    assert "admin" in out and "county330302" in out
    assert User.objects.get(username="county330302").check_password("investrack-demo")
    call_command("seed_demo", projects=30, seed=3, if_empty=True)
    assert Project.objects.count() == 30
    assert "county330302" in capsys.readouterr().out
