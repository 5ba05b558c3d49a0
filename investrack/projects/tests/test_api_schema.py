"""Schemathesis generates requests from the OpenAPI schema: none may cause a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from investrack.accounts.services import api_token_create
from investrack.conftest import days_ago
from investrack.projects import services
from investrack.projects.models import Stage

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def api_key(db, county_staff, make_project):
    """A county key and a few projects for the generated requests to find."""
    started = make_project(stage=Stage.STARTED,
                           dates={Stage.SIGNED: days_ago(90), Stage.STARTED: days_ago(60)})  # fmt: skip
    services.progress_report_submit(actor=county_staff, project=started, period=days_ago(40),
                                    investment_completed=1000, construction_progress=10)  # fmt: skip
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(5)})
    _token, key = api_token_create(user=county_staff, name="schemathesis")
    # Keep the test's transaction: a WSGI request would otherwise close the connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_causes_a_server_error(case, api_key):
    response = case.call(headers={"Authorization": f"Bearer {api_key}"})
    case.validate_response(response, checks=(not_a_server_error,))
