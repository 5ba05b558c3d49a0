"""Every named URL × every role × GET/POST gets the outcome declared in url_matrix.OUTCOMES;
a URL added without an entry fails here; another county's records are a 404 everywhere.

One world serves every URL; each URL's requests run in a savepoint rolled back after it,
so a write one URL makes (a confirmed import, a revoked key) never changes another's."""

import pytest
from django.db import transaction
from django.urls import reverse

from investrack.core.tests.url_matrix import ARGS, COUNTY_RECORDS, OUTCOMES, ROLES, named_urls

pytestmark = pytest.mark.django_db


def test_every_named_url_has_declared_outcomes():
    assert sorted(set(named_urls()) - set(OUTCOMES)) == []
    assert sorted(set(OUTCOMES) - set(named_urls())) == []


def _status(client, role, world, method, url, name):
    client.logout()
    if role:
        client.force_login(world.users[role])
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    if role is None and response.status_code == 302 and name not in ("logout", "set_language"):
        login = reverse("admin:login") if name.startswith("admin:") else reverse("login")
        assert response.url.startswith(login), (name, response.url)
    return str(response.status_code)


def test_each_role_gets_the_declared_outcome(client, world):
    wrong = {}
    for name, expected in OUTCOMES.items():
        url = reverse(name, args=ARGS(name, world, world.mine))
        got = tuple(
            " ".join(_status(client, role, world, method, url, name) for role in ROLES)
            for method in ("get", "post")
        )
        if got != expected:
            wrong[name] = got
    assert wrong == {}


def test_another_countys_records_are_not_found(client, world):
    """鹿城区's county and park staff, leader and viewer on 瑞安市's records: 404, unless
    their role is refused the page on their own records too (403, 405)."""
    wrong = {}
    for name in sorted(COUNTY_RECORDS):
        url = reverse(name, args=ARGS(name, world, world.theirs))
        for m, method in enumerate(("get", "post")):
            own = OUTCOMES[name][m].split()
            for role in ("county", "park", "leader", "viewer"):
                refused = own[ROLES.index(role)]
                allowed = {"404", refused} if refused in ("403", "405") else {"404"}
                got = _status(client, role, world, method, url, name)
                if got not in allowed:
                    wrong[(name, method, role)] = got
    assert wrong == {}


def test_the_big_screens_kiosk_log_in_sees_the_screen_and_nothing_else(client, world):
    """A kiosk log-in (``screen_only``) asking for any page of the app — or posting to it —
    is sent to the big screen; only the screen's own addresses answer it."""
    from investrack.accounts.kiosk import SCREEN_URLS

    kiosk = world.users["viewer"]
    kiosk.screen_only = True
    kiosk.save()
    screen = reverse("insights:screen")
    wrong = {}
    for name in OUTCOMES:
        url = reverse(name, args=ARGS(name, world, world.mine))
        for method in ("get", "post"):
            client.force_login(kiosk)
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            if name in SCREEN_URLS:
                # Logging out is a POST (a GET is refused); the screen's pages are read only.
                expected = {("logout", "post"): 302, ("logout", "get"): 405}.get(
                    (name, method), 405 if method == "post" else 200
                )
                if response.status_code != expected:
                    wrong[(name, method)] = response.status_code
            elif response.status_code != 302 or response.url != screen:
                wrong[(name, method)] = (response.status_code, getattr(response, "url", ""))
    assert wrong == {}
    assert "红灯项目" in client.get(screen).content.decode()
