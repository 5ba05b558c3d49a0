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
        return services.project_create(
            actor=actor or county_staff,
            data=data,
            stage=stage,
            stage_dates=dates or {},
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
