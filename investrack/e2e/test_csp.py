"""The Content-Security-Policy is strict and the pages keep working under it: no page a
county official opens breaks a rule of it (Chromium reports each violation)."""

import pytest
from playwright.sync_api import expect

from investrack.e2e.conftest import lucheng_official_with_a_signed_project
from investrack.e2e.test_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pages_work_under_the_policy(live_server, page):
    user, project = lucheng_official_with_a_signed_project("csp-staff")
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )
    log_in(page, live_server.url, user)
    for path in ["/", "/projects/", "/projects/lists/to-start/", f"/projects/{project.pk}/",
                 "/insights/", "/insights/race/", "/problems/", "/api/v1/docs"]:  # fmt: skip
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/projects/")
    page.fill("#id_q", "动力")  # the htmx search still swaps the results in
    expect(page.locator("#results")).to_contain_text("动力电池项目")
    assert violations == []
