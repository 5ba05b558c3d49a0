"""The lifecycle rules as the services enforce them, whoever calls them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from investrack.conftest import days_ago
from investrack.core.audit import history_for
from investrack.projects import services
from investrack.projects.models import Project, Stage, StageEvent, StageTotal
from investrack.regions.models import ChainLink, Industry

YI = Decimal(100_000_000)

pytestmark = pytest.mark.django_db


def test_create_records_an_event_for_every_stage_up_to_the_current_one(make_project):
    project = make_project(
        stage=Stage.STARTED, dates={Stage.SIGNED: days_ago(100), Stage.STARTED: days_ago(40)}
    )
    events = list(project.events.order_by("stage").values_list("stage", "effective_date"))
    # Lead and negotiating were not given dates: they take the signing date.
    assert events == [
        (Stage.LEAD, days_ago(100)),
        (Stage.NEGOTIATING, days_ago(100)),
        (Stage.SIGNED, days_ago(100)),
        (Stage.STARTED, days_ago(40)),
    ]
    assert project.stage == Stage.STARTED
    assert project.stage_since == days_ago(40)
    assert project.signed_on == days_ago(100)


def test_create_refuses_a_signing_date_after_the_start_date(make_project):
    with pytest.raises(ValidationError) as exc:
        make_project(
            stage=Stage.STARTED,
            dates={Stage.SIGNED: days_ago(10), Stage.STARTED: days_ago(30)},
        )
    assert "started_on" in exc.value.message_dict
    assert Project.objects.count() == 0


def test_advance_with_skipped_stages_gives_each_the_same_date(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    project = services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.PRODUCTION, effective_date=days_ago(5)
    )
    assert project.stage == Stage.PRODUCTION
    assert project.started_on == project.completed_on == project.production_on == days_ago(5)


def test_advance_uses_a_date_given_for_a_skipped_stage(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    project = services.stage_advance(
        actor=county_staff,
        project=project,
        to_stage=Stage.COMPLETED,
        effective_date=days_ago(5),
        skipped_dates={Stage.STARTED: days_ago(150)},
    )
    assert project.started_on == days_ago(150)
    assert project.completed_on == days_ago(5)


def test_production_before_start_is_refused(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    with pytest.raises(ValidationError) as exc:
        services.stage_advance(
            actor=county_staff,
            project=project,
            to_stage=Stage.PRODUCTION,
            effective_date=days_ago(50),
            skipped_dates={Stage.STARTED: days_ago(20)},
        )
    assert "effective_date" in exc.value.message_dict
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.events.count() == 3


def test_moving_backwards_is_refused_and_points_to_a_correction(make_project, county_staff):
    project = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(20)})
    with pytest.raises(ValidationError) as exc:
        services.stage_advance(
            actor=county_staff, project=project, to_stage=Stage.SIGNED, effective_date=days_ago(1)
        )
    assert "更正" in " ".join(exc.value.messages)


def test_a_future_date_is_refused(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    with pytest.raises(ValidationError):
        services.stage_advance(
            actor=county_staff,
            project=project,
            to_stage=Stage.STARTED,
            effective_date=days_ago(-3),
        )


def test_a_date_before_the_current_stage_is_refused(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    with pytest.raises(ValidationError):
        services.stage_advance(
            actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(30)
        )


def test_correction_of_a_date_keeps_the_wrong_entry(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    project = services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(2)
    )
    wrong = project.events.get(stage=Stage.STARTED)
    project = services.stage_correct(
        actor=county_staff, project=project, event=wrong, new_date=days_ago(10), reason="填错日期"
    )
    assert project.started_on == days_ago(10)
    assert project.stage_since == days_ago(10)
    assert StageEvent.objects.filter(pk=wrong.pk, effective_date=days_ago(2)).exists()
    assert project.events.filter(kind=StageEvent.Kind.CORRECTION, corrects=wrong).count() == 1


def test_retracting_the_current_stage_moves_the_project_back(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    project = services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(2)
    )
    wrong = project.events.get(stage=Stage.STARTED)
    project = services.stage_correct(
        actor=county_staff, project=project, event=wrong, retract=True, reason="误录开工"
    )
    assert project.stage == Stage.SIGNED
    assert project.started_on is None
    assert project.events.filter(pk=wrong.pk).exists()


def test_only_the_current_stage_can_be_retracted(make_project, county_staff):
    project = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(2)})
    signed = project.events.get(stage=Stage.SIGNED)
    with pytest.raises(ValidationError):
        services.stage_correct(
            actor=county_staff, project=project, event=signed, retract=True, reason="x"
        )


def test_drop_needs_a_reason_and_removes_the_project_from_active_work(make_project, county_staff):
    project = make_project(stage=Stage.NEGOTIATING, dates={Stage.NEGOTIATING: days_ago(30)})
    with pytest.raises(ValidationError):
        services.project_drop(
            actor=county_staff, project=project, effective_date=days_ago(1), reason=" "
        )
    project = services.project_drop(
        actor=county_staff, project=project, effective_date=days_ago(1), reason="企业撤资"
    )
    assert project.is_dropped and project.drop_reason == "企业撤资"
    with pytest.raises(ValidationError):
        services.stage_advance(
            actor=county_staff, project=project, to_stage=Stage.SIGNED, effective_date=days_ago(0)
        )


def test_a_project_in_production_cannot_be_dropped(make_project, county_staff):
    project = make_project(stage=Stage.PRODUCTION, dates={Stage.PRODUCTION: days_ago(3)})
    with pytest.raises(ValidationError):
        services.project_drop(
            actor=county_staff, project=project, effective_date=days_ago(1), reason="x"
        )


def test_stalled_flag_set_and_cleared_as_events(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    project = services.project_set_stalled(
        actor=county_staff, project=project, stalled=True, reason="用地未落实"
    )
    assert project.is_stalled and project.stalled_reason == "用地未落实"
    project = services.project_set_stalled(actor=county_staff, project=project, stalled=False)
    assert not project.is_stalled
    kinds = list(project.events.values_list("kind", flat=True).order_by("id"))
    assert kinds[-2:] == [StageEvent.Kind.STALL, StageEvent.Kind.UNSTALL]


def test_update_is_audited_field_by_field(make_project, county_staff):
    project = make_project()
    services.project_update(
        actor=county_staff,
        project=project,
        data={"name": "新名称", "total_investment": Decimal("300000000")},
        expected_version=project.version,
    )
    entry = history_for(project).first()
    assert entry.actor == county_staff
    assert entry.changes["name"] == ["测试项目1", "新名称"]
    assert entry.changes["total_investment"] == ["150000000", "300000000"]


def test_second_save_from_a_stale_version_is_refused(make_project, county_staff):
    project = make_project()
    opened = project.version
    services.project_update(
        actor=county_staff, project=project, data={"name": "甲的修改"}, expected_version=opened
    )
    with pytest.raises(services.ConcurrentEditError):
        services.project_update(
            actor=county_staff, project=project, data={"name": "乙的修改"}, expected_version=opened
        )
    project.refresh_from_db()
    assert project.name == "甲的修改"


def test_stage_change_bumps_the_version_so_a_stale_form_is_refused(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    opened = project.version
    services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(1)
    )
    with pytest.raises(services.ConcurrentEditError):
        services.project_update(
            actor=county_staff, project=project, data={"name": "x"}, expected_version=opened
        )


def test_history_cannot_be_rewritten(make_project):
    project = make_project()
    event = project.events.first()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    entry = history_for(project).first()
    with pytest.raises(TypeError):
        entry.delete()
    # Nor in bulk: the queryset refuses too, for events and for the audit log.
    with pytest.raises(TypeError):
        project.events.update(note="rewritten")
    with pytest.raises(TypeError):
        project.events.all().delete()
    with pytest.raises(TypeError):
        history_for(project).update(changes={})
    assert not project.events.filter(note="rewritten").exists()


def test_a_county_user_cannot_create_or_move_into_another_county(make_project, other_staff, county):
    with pytest.raises(PermissionDenied):
        make_project(actor=other_staff, region=county)
    project = make_project()
    with pytest.raises(PermissionDenied):
        services.stage_advance(
            actor=other_staff, project=project, to_stage=Stage.SIGNED, effective_date=days_ago(0)
        )


def test_a_viewer_cannot_write(make_project, viewer):
    project = make_project()
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=viewer, project=project, data={"name": "x"}, expected_version=project.version
        )


def test_park_must_lie_in_the_region(make_project, other_park):
    with pytest.raises(ValidationError) as exc:
        make_project(park=other_park)
    assert "park" in exc.value.message_dict


def test_progress_reports_only_after_start_and_once_a_month(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(100)})
    month = days_ago(0).replace(day=1)
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            actor=county_staff,
            project=project,
            period=month,
            investment_completed=Decimal(1),
            construction_progress=5,
        )
    project = services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(70)
    )
    services.progress_report_submit(
        actor=county_staff,
        project=project,
        period=month,
        investment_completed=Decimal("5000000"),
        construction_progress=10,
    )
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            actor=county_staff,
            project=project,
            period=month,
            investment_completed=Decimal(1),
            construction_progress=12,
        )
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            actor=county_staff,
            project=project,
            period=next_month,
            investment_completed=Decimal(1),
            construction_progress=12,
        )


# --- the stage totals the leaders' figures read -------------------------------------------


def _stage_totals() -> dict:
    """The stage totals folded to one figure per key, zeros left out."""
    fields = [name.removesuffix("_id") for name in services.SHARE_KEY]
    return {
        tuple(row[f] for f in fields): (row["n"], row["a"])
        for row in StageTotal.objects.values(*fields)
        .annotate(n=Sum("projects"), a=Sum("investment"))
        .order_by()
        if row["n"] or row["a"]
    }


def test_the_stage_totals_follow_every_write_to_a_project(
    make_project, county_staff, city_admin, other_county
):
    """Whatever happens to projects, the totals kept write by write are the totals made
    again from the projects: a creation, an import, an advance, a correction, a
    retraction, a drop, a move to another county and category, a new amount, industry and
    chain link."""

    def same_as_rebuilt():
        kept = _stage_totals()
        services.stage_totals_rebuild()
        assert _stage_totals() == kept
        return kept

    signed = make_project(
        stage=Stage.SIGNED, total_investment=Decimal(80_000_000),
        dates={Stage.SIGNED: datetime.date(2025, 3, 10)},
    )  # fmt: skip
    kept = same_as_rebuilt()
    # Signed in March 2025, 0.8亿: reached, start (not started), and +1 held from lead to signed.
    march = datetime.date(2025, 3, 1)
    place = (signed.region_id, None, signed.category, None)
    assert kept[("reached", Stage.SIGNED, march, *place, 0, None, "", None)] == (1, Decimal(8e7))
    assert kept[("start", Stage.SIGNED, march, *place, 0, None, "", None)] == (1, Decimal(8e7))
    assert kept[("held", Stage.SIGNED, march, *place, 0, None, "", None)] == (1, Decimal(8e7))
    services.project_create_many(
        actor=county_staff,
        rows=[
            {"name": f"导入项目{n}", "region": signed.region, "category": "manufacturing",
             "total_investment": Decimal(n) * 100_000_000, "stage": Stage.STARTED,
             "signed_on": datetime.date(2025, n, 2), "started_on": datetime.date(2025, n, 20),
             "industry": Industry.objects.get(code="3612"),
             "chain_link": ChainLink.objects.get(name="整车制造")}
            for n in (1, 2, 12)
        ],
    )  # fmt: skip
    same_as_rebuilt()
    advanced = services.stage_advance(
        actor=county_staff, project=signed, to_stage=Stage.COMPLETED,
        effective_date=datetime.date(2025, 9, 1),
        skipped_dates={Stage.STARTED: datetime.date(2025, 5, 5)},
    )  # fmt: skip
    same_as_rebuilt()
    started_event = advanced.events.get(stage=Stage.STARTED)
    services.stage_correct(
        actor=county_staff, project=advanced, event=started_event, reason="日期录错",
        new_date=datetime.date(2025, 6, 6),
    )  # fmt: skip
    same_as_rebuilt()
    services.stage_correct(
        actor=county_staff, project=advanced, reason="尚未竣工", retract=True,
        event=advanced.events.get(stage=Stage.COMPLETED, kind=StageEvent.Kind.ADVANCE),
    )  # fmt: skip
    same_as_rebuilt()
    services.project_drop(
        actor=county_staff, project=advanced, effective_date=datetime.date(2025, 10, 1),
        reason="企业撤资",
    )  # fmt: skip
    same_as_rebuilt()
    moved = Project.objects.get(name="导入项目2")
    services.project_update(
        actor=city_admin, project=moved, expected_version=moved.version,
        data={"region": other_county, "category": "research", "total_investment": 12 * YI,
              "industry": Industry.objects.get(code="3841"), "chain_link": None},
    )  # fmt: skip
    kept = same_as_rebuilt()
    feb = datetime.date(2025, 2, 1)
    assert kept[("reached", Stage.SIGNED, feb, other_county.pk, None, "research", None,
                 10, None, "", None)] == (1, 12 * YI)  # fmt: skip
    assert kept[("industry", Stage.SIGNED, feb, other_county.pk, None, "research", None,
                 0, None, "38", None)] == (1, 12 * YI)  # fmt: skip
    assert not [key for key in kept if key[0] == "chain" and key[3] == other_county.pk]


def test_folding_the_stage_totals_keeps_their_sums_in_fewer_rows(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: datetime.date(2025, 3, 10)})
    for stage, day in ((Stage.STARTED, 4), (Stage.COMPLETED, 5)):
        project = services.stage_advance(
            actor=county_staff, project=project, to_stage=stage,
            effective_date=datetime.date(2025, day, 1),
        )  # fmt: skip
    kept, rows = _stage_totals(), StageTotal.objects.count()
    before, after = services.stage_totals_fold()
    assert (before, after) == (rows, len(kept))
    assert after < before
    assert _stage_totals() == kept


def test_a_project_is_written_only_through_the_write_hook(make_project):
    """A code path that changes a project without the hook fails at once."""
    project = make_project()
    project.name = "改名"
    with pytest.raises(RuntimeError, match="project_write"):
        project.save()
    with pytest.raises(RuntimeError, match="project_write"):
        Project.objects.filter(pk=project.pk).update(name="改名")
    from investrack.projects.write import project_write

    with project_write(None, [project.pk]) as write:  # the hook: version, totals, lights kept
        Project.objects.filter(pk=project.pk).update(name="改名")
        assert write.locked[project.pk].name != "改名"
    after = Project.objects.get(pk=project.pk)
    assert (after.name, after.version) == ("改名", project.version + 1)


def test_migration_0004_computes_the_shares_the_services_compute(make_project, park):
    """The migration keeps a frozen copy of the share function: equal to the live one when
    frozen (a later change of the live one is a new migration, not an edit of this one)."""
    import importlib

    from investrack.projects.services import SHARE_KEY, stage_shares

    frozen = importlib.import_module("investrack.projects.migrations.0004_stage_totals")
    assert frozen._KEY == SHARE_KEY  # noqa: SLF001
    make_project(stage=Stage.STARTED, park=park, dates={Stage.SIGNED: days_ago(90),
                 Stage.STARTED: days_ago(30)}, industry=Industry.objects.get(code="3841"))  # fmt: skip
    make_project(stage=Stage.SIGNED, total_investment=Decimal("2000000000"))
    for row in Project.objects.values(*frozen._FIELDS):  # noqa: SLF001
        assert sorted(frozen._shares(row), key=str) == sorted(stage_shares(row), key=str)  # noqa: SLF001


def test_a_refused_project_leaves_no_investor_behind(county_staff, county):
    """The services resolve the investor inside their write: when the project is refused
    (here its name is too long for the record), the new investor goes with it."""
    from investrack.projects.models import Investor

    with pytest.raises(ValidationError):
        services.project_create(
            actor=county_staff,
            data={
                "name": "项" * 300,
                "region": county,
                "total_investment": Decimal("150000000"),
                "investor": services.InvestorName("瓯江新客商有限公司"),
            },
        )
    assert not Investor.objects.filter(name="瓯江新客商有限公司").exists()
    project = services.project_create(
        actor=county_staff,
        data={
            "name": "新客商项目",
            "region": county,
            "total_investment": Decimal("150000000"),
            "investor": services.InvestorName("瓯江新客商有限公司", "foreign"),
        },
    )
    assert project.investor.name == "瓯江新客商有限公司"
    assert project.investor.origin == "foreign"


def test_creation_needs_the_date_of_a_stage_the_figures_count(county_staff, county):
    """One rule for form, API and import: from 签约 on, the date the project reached its
    stage is given; a date of a stage not reached is refused."""
    data = {"name": "日期项目", "region": county, "total_investment": Decimal("150000000")}
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=county_staff, data=data, stage=Stage.SIGNED)
    assert "signed_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=county_staff,
            data=data,
            stage=Stage.NEGOTIATING,
            stage_dates={Stage.STARTED: days_ago(3)},
        )
    assert "started_on" in exc.value.message_dict
    negotiating = services.project_create(actor=county_staff, data=data, stage=Stage.NEGOTIATING)
    assert negotiating.negotiating_on == timezone.localdate()
