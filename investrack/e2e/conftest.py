"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for Python."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    from investrack.conftest import load_reference_data_if_flushed

    load_reference_data_if_flushed()


def lucheng_official_with_a_signed_project(username: str, **fields):
    """A county official of 鹿城区 and a project of theirs signed 20 days ago."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from investrack.accounts.models import Role
    from investrack.conftest import make_user
    from investrack.projects import services
    from investrack.projects.models import Stage
    from investrack.regions.models import Region

    county = Region.objects.get(code="330302")
    user = make_user(username, Role.COUNTY_STAFF, region=county, full_name="鹿城专员")
    data = {"name": "动力电池项目", "code": f"{username}-1", "region": county,
            "total_investment": Decimal("150000000"), **fields}  # fmt: skip
    project = services.project_create(
        actor=user,
        data=data,
        stage=Stage.SIGNED,
        stage_dates={Stage.SIGNED: timezone.localdate() - datetime.timedelta(days=20)},
    )
    return user, project
