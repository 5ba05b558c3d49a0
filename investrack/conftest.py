"""Shared fixtures: two counties of one city, a park, users of every role, a project builder.

Regions and industries come from the data migration, as in production.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from investrack.accounts.models import Department, Person, Role, User
from investrack.projects import services
from investrack.projects.models import Stage
from investrack.regions.models import Park, Region

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def load_reference_data_if_flushed():
    """Regions, industries, the default warning rules and checklist, as the data migrations
    load them. A transactional test ends by emptying the tables; Django's serialized
    rollback does not always bring them back when plain and transactional tests are mixed,
    so a transactional test reloads them if they are missing."""
    import importlib

    from django.apps import apps

    from investrack.regions.models import Industry
    from investrack.regions.reference_data import load_industries, load_regions

    if not Region.objects.exists():
        load_regions(Region)
    if not Industry.objects.exists():
        load_industries(Industry)
    defaults = importlib.import_module(
        "investrack.closed_loop.migrations.0002_default_rules_and_checklist"
    )
    defaults.load(apps, None)
    importlib.import_module(
        "investrack.closed_loop.migrations.0008_warning_rule_no_contact"
    ).no_contact_rule(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        load_reference_data_if_flushed()


@pytest.fixture(autouse=True)
def _kept_tables_agree(request):
    """After every test that wrote projects: the stage totals equal a rebuild, the progress
    totals the reports, the recorded lights a fresh computation for today."""
    names = request.fixturenames
    marked = request.node.get_closest_marker("django_db") is not None
    uses = [n for n in ("transactional_db", "db") if n in names]
    if marked:
        uses.append("_django_db_helper")
    if not uses or request.node.get_closest_marker("drift_expected"):
        yield
        return
    request.getfixturevalue(uses[0])  # set up first, so it is still open after the test
    yield
    from investrack.projects.invariants import drift
    from investrack.projects.models import Project

    if not Project.objects.exists():
        return
    found = {kind: rows for kind, rows in drift().items() if rows}
    # A test that moves the clock (time_machine) leaves lights of another day: they are
    # today's only after the next daily run, as in production.
    if "time_machine" in vars(request.module) or "time_machine" in names:
        found.pop("lights", None)
    assert not found, f"the kept tables drifted from the projects: {found}"


@pytest.fixture
def city(db):
    return Region.objects.get(code="330300")


@pytest.fixture
def county(db):
    return Region.objects.get(code="330302")  # 鹿城区


@pytest.fixture
def other_county(db):
    return Region.objects.get(code="330381")  # 瑞安市


@pytest.fixture
def park(county):
    return Park.objects.create(code="P-LC", name="鹿城高新园", region=county)


@pytest.fixture
def other_park(other_county):
    return Park.objects.create(code="P-RA", name="瑞安开发区", region=other_county)


def make_user(username, role, *, region=None, park=None, **extra):
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, region=region, park=park, **extra
    )
    user.plain_password = PASSWORD
    return user


@pytest.fixture
def city_admin(city):
    return make_user("cityadmin", Role.CITY_ADMIN, region=city, is_staff=True, is_superuser=True)


@pytest.fixture
def county_staff(county):
    return make_user("lucheng", Role.COUNTY_STAFF, region=county, full_name="鹿城专员")


@pytest.fixture
def other_staff(other_county):
    return make_user("ruian", Role.COUNTY_STAFF, region=other_county, full_name="瑞安专员")


@pytest.fixture
def park_staff(county, park):
    return make_user("parkstaff", Role.COUNTY_STAFF, region=county, park=park)


@pytest.fixture
def viewer(county):
    return make_user("viewer", Role.VIEWER, region=county)


@pytest.fixture
def leader_person(county):
    return Person.objects.create(name="王副县长", title="副区长", region=county, is_leader=True)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def department(db):
    return Department.objects.create(name="温州市自然资源和规划局", short_name="自然资源局")


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="温州市生态环境局", short_name="生态环境局")


@pytest.fixture
def department_staff(city, department):
    return make_user(
        "ziranziyuan",
        Role.DEPARTMENT_STAFF,
        region=city,
        department=department,
        full_name="资规经办",
    )


@pytest.fixture
def leader_user(county, leader_person):
    user = make_user("wangfu", Role.LEADER, region=county, full_name="王副县长")
    leader_person.user = user
    leader_person.save()
    return user


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def make_project(county_staff, county):
    """Create a project through the service, as a user would."""
    counter = {"n": 0}

    def build(
        *, actor=None, region=None, stage=Stage.LEAD, dates=None, linked_leaders=(), **fields
    ):
        counter["n"] += 1
        data = {
            "name": f"测试项目{counter['n']}",
            "code": f"T-{counter['n']:05d}",
            "region": region or county,
            "total_investment": Decimal("150000000"),
            **fields,
        }
        dates = dict(dates or {})
        if stage != Stage.LEAD and not dates.get(stage):
            dates[stage] = timezone.localdate()  # the service asks when the stage was reached
        return services.project_create(
            actor=actor or county_staff,
            data=data,
            stage=stage,
            stage_dates=dates,
            linked_leaders=linked_leaders,
        )

    return build


@pytest.fixture
def make_xlsx():
    """An .xlsx file (bytes) from rows of cells; ``merges`` are (first_row, first_col,
    last_row, last_col, text) ranges, as officials merge title and header cells."""
    import io

    import xlsxwriter

    def build(rows, *, merges=()):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
        for first_row, first_col, last_row, last_col, text in merges:
            sheet.merge_range(first_row, first_col, last_row, last_col, text)
        workbook.close()
        return buffer.getvalue()

    return build


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def photo_bytes(size=(640, 480), colour=(90, 140, 200), exif=None) -> bytes:
    """A JPEG as a phone's camera writes it (with its metadata when given)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    image.save(out, "JPEG", **({"exif": exif.tobytes()} if exif is not None else {}))
    return out.getvalue()


def _site_photo(actor, region, park_):
    """A started project of ``region`` whose monthly report came with a photo."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = services.project_create(
        actor=actor,
        data={"name": f"{region.name}在建项目", "code": f"WS-{region.code}", "region": region,
              "park": park_, "total_investment": Decimal("80000000")},
        stage=Stage.STARTED,
        stage_dates={Stage.SIGNED: days_ago(120), Stage.STARTED: days_ago(90)},
    )  # fmt: skip
    report = services.progress_report_submit(
        actor=actor,
        project=started,
        period=days_ago(40),
        investment_completed=Decimal("5000000"),
        construction_progress=20,
        photos=[SimpleUploadedFile("工地.jpg", photo_bytes())],
    )
    return report.photos.get()


@pytest.fixture
def world(city, county, other_county, park, other_park, department):
    """Two counties of one city, each with one of everything a URL can name, and a user of
    every role (the city administrator is *not* a superuser). ``world.mine`` holds the
    records of 鹿城区 (its park's project), ``world.theirs`` those of 瑞安市."""
    import types

    from django.core.files.uploadedfile import SimpleUploadedFile

    from investrack.accounts import services as account_services
    from investrack.closed_loop import services as loop
    from investrack.closed_loop.models import Notification
    from investrack.insights.models import IssuedBriefing
    from investrack.projects import imports
    from investrack.projects.models import EvidenceFile, StageEvent
    from investrack.regions.models import IndustryChain

    users = {
        "city_admin": make_user("w-admin", Role.CITY_ADMIN, region=city),
        "county": make_user("w-county", Role.COUNTY_STAFF, region=county),
        "park": make_user("w-park", Role.COUNTY_STAFF, region=county, park=park),
        "department": make_user(
            "w-dept", Role.DEPARTMENT_STAFF, region=city, department=department
        ),
        "leader": make_user("w-leader", Role.LEADER, region=county),
        "viewer": make_user("w-viewer", Role.VIEWER, region=county),
    }
    other_staff = make_user("w-other", Role.COUNTY_STAFF, region=other_county)
    leader = Person.objects.create(
        name="王副区长", title="副区长", region=county, is_leader=True, user=users["leader"]
    )

    def records(actor, region, park_, leaders):
        project = services.project_create(
            actor=actor,
            data={
                "name": f"{region.name}动力电池项目",
                "code": f"W-{region.code}",
                "region": region,
                "park": park_,
                "total_investment": Decimal("150000000"),
                "investor": services.InvestorName(f"{region.name}新能源有限公司"),
            },
            stage=Stage.SIGNED,
            stage_dates={Stage.SIGNED: days_ago(30)},
            linked_leaders=leaders,
        )
        event = StageEvent.objects.filter(project=project, stage=Stage.SIGNED).get()
        evidence = EvidenceFile.objects.create(
            event=event, file=SimpleUploadedFile("合同.pdf", b"%PDF-1.4"), original_name="合同.pdf"
        )
        loop.approval_checklist_create(actor=actor, project=project)
        approval = project.approval_items.order_by("id").first()
        loop.approval_item_update(
            actor=actor,
            item=approval,
            status="approved",
            approved_on=days_ago(5),
            document=SimpleUploadedFile("批复.pdf", b"%PDF-1.4"),
        )
        approval.refresh_from_db()
        problem = loop.problem_raise(
            actor=actor,
            project=project,
            title="用地指标不足",
            description="需要协调用地指标",
            category="land",
            department=department,
            working_days=10,
            files=[SimpleUploadedFile("说明.pdf", b"%PDF-1.4")],
        )
        attachment = problem.attachments.first()
        notification = Notification.objects.filter(
            user=actor
        ).first() or Notification.objects.create(
            user=actor, kind="problem_raised", key=f"w-{project.pk}", title="提醒", url="/"
        )
        batch = imports.import_preview(
            actor=actor,
            kind="projects",
            upload=SimpleUploadedFile(
                "项目.csv", f"项目名称,总投资（万元）\n{region.name}新项目,5000\n".encode()
            ),
        )
        token, _key = account_services.api_token_create(user=actor, name="统计平台")
        issued = IssuedBriefing.objects.create(
            month=days_ago(40).replace(day=1),
            region=region,
            title=f"{region.name}招商引资通报",
            issued_at=timezone.now(),
            issued_by=actor,
            document=SimpleUploadedFile("通报.docx", b"PK"),
            sha256="0" * 64,
        )
        from investrack.promotion import services as promotion

        promotion_event = promotion.event_record(
            actor=actor,
            data={"kind": "fair", "name": f"{region.name}推介会", "held_on": days_ago(3)},
            projects=[project],
            evidence=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4"),
        )
        contact = promotion.contact_add(
            actor=actor, project=project, data={"name": "王强", "phone": "13812345678"}
        )
        from investrack.regions.models import ChainLink

        target = promotion.target_add(
            actor=actor,
            data={"chain_link": ChainLink.objects.order_by("pk").first(),
                  "name": f"{region.name}目标企业有限公司"},
        )  # fmt: skip
        return types.SimpleNamespace(
            project=project,
            target=target,
            promotion_event=promotion_event,
            contact=contact,
            photo=_site_photo(actor, region, park_),
            event=event,
            evidence=evidence,
            approval=approval,
            problem=problem,
            attachment=attachment,
            notification=notification,
            batch=batch,
            token=token,
            issued=issued,
        )

    return types.SimpleNamespace(
        users=users,
        mine=records(users["county"], county, park, [leader]),
        theirs=records(other_staff, other_county, other_park, []),
        chain=IndustryChain.objects.first(),
    )
