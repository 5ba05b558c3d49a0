"""OC4IDS project packages validate against the official schema shipped with the app."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft4Validator
from referencing import Registry, Resource

from investrack.conftest import days_ago
from investrack.projects import services
from investrack.projects.models import Stage
from investrack.projects.open_data import project_package
from investrack.regions.models import Industry

pytestmark = pytest.mark.django_db

OC4IDS = Path(settings.BASE_DIR) / "investrack" / "projects" / "oc4ids"


def validator():
    package = json.loads((OC4IDS / "project-package-schema.json").read_text())
    project = json.loads((OC4IDS / "project-schema.json").read_text())
    registry = Registry().with_resource(
        project["id"], Resource.from_contents(project, default_specification=_draft4())
    )
    return Draft4Validator(package, registry=registry)


def _draft4():
    from referencing.jsonschema import DRAFT4

    return DRAFT4


@pytest.fixture
def published(make_project, county_staff, park):
    project = make_project(
        name="动力电池项目",
        park=park,
        industry=Industry.objects.get(code="3841"),
        investor=services.investor_for_name(name="瓯江新能源有限公司", origin="domestic"),
        description="年产20GWh动力电池",
        stage=Stage.STARTED,
        dates={Stage.SIGNED: days_ago(300), Stage.STARTED: days_ago(100)},
        planned_completion_date=days_ago(-200),
    )
    lead = make_project(name="线索项目")
    dropped = make_project(name="终止项目", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(50)})
    services.project_drop(actor=county_staff, project=dropped, effective_date=days_ago(1),
                          reason="企业撤资")  # fmt: skip
    return project, lead, dropped


def test_the_package_is_valid_oc4ids_and_maps_honestly(published, county_staff):
    from investrack.projects.models import Project

    package = project_package(projects=Project.objects.order_by("id"), uri="https://x.example/p")
    errors = list(validator().iter_errors(package))
    assert errors == []
    started, lead, dropped = package["projects"]
    assert started["status"] == "implementation" and lead["status"] == "identification"
    assert dropped["status"] == "cancelled"
    assert started["budget"]["amount"] == {"amount": 150000000.0, "currency": "CNY"}
    assert started["additionalClassifications"][0]["id"] == "3841"
    assert {p["roles"][0] for p in started["parties"]} == {"publicAuthority", "funder"}
    assert started["publicAuthority"]["name"] == "鹿城区人民政府"
    commencement = next(m for m in started["milestones"] if m.get("code") == "commencement")
    assert commencement["status"] == "met" and commencement["dateMet"].startswith(
        days_ago(100).isoformat()
    )
    completion = next(m for m in started["milestones"] if m.get("code") == "completion")
    assert completion["status"] == "scheduled"


def test_the_validator_does_catch_a_wrong_status(published):
    from investrack.projects.models import Project

    package = project_package(projects=Project.objects.all(), uri="https://x.example/p")
    package["projects"][0]["status"] = "signed"
    assert list(validator().iter_errors(package))


def test_the_package_follows_the_list_filters_through_the_api(client, published):
    """Open data needs no log-in; it publishes signed projects and later, never leads."""
    response = client.get("/api/v1/projects/oc4ids?tier=1yi&status=all")
    assert response.status_code == 200
    package = response.json()
    assert {p["title"] for p in package["projects"]} == {"动力电池项目", "终止项目"}
    assert list(validator().iter_errors(package)) == []
    assert Decimal(str(package["projects"][0]["budget"]["amount"]["amount"])) >= 100_000_000


def test_open_data_is_rate_limited_per_address(client, published, settings):
    from django.core.cache import cache

    cache.clear()
    from investrack.projects import api

    throttle = api.project_package._ninja_operation.throttle_objects[0]  # noqa: SLF001
    throttle.rate, throttle.num_requests, throttle.duration = "3/m", 3, 60
    try:
        codes = [client.get("/api/v1/projects/oc4ids").status_code for _ in range(4)]
    finally:
        throttle.rate, throttle.num_requests, throttle.duration = (
            settings.OPEN_DATA_RATE,
            *throttle.parse_rate(settings.OPEN_DATA_RATE),
        )
        cache.clear()
    assert codes == [200, 200, 200, 429]
