"""Brute force: a few wrong passwords lock the account, and separately the address, with
a message in Chinese; the back office unlocks."""

import pytest
from django.urls import reverse

from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="10.9.8.7"):
    form = rendered_form(client.get(reverse("login")))
    return form.submit(client, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client, county_staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert attempt(client, "lucheng", "wrong-password").status_code in (200, 429)
    refused = attempt(client, "lucheng", county_staff.plain_password)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录已锁定" in page and "分钟" in page
    # …from another address too: the account itself is locked
    assert attempt(client, "lucheng", county_staff.plain_password, "10.1.1.1").status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_one_address_trying_many_accounts_is_locked(client, county_staff, other_staff, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{i}", "wrong-password", "10.2.2.2")
    assert attempt(client, "ruian", other_staff.plain_password, "10.2.2.2").status_code == 429
    assert attempt(client, "ruian", other_staff.plain_password, "10.3.3.3").status_code == 302


def test_the_back_office_unlocks(client, county_staff, city_admin, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "lucheng", "wrong-password")
    assert AccessAttempt.objects.exists()
    admin = client.__class__()
    admin.force_login(city_admin)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "lucheng" in listing.content.decode()
    AccessAttempt.objects.filter(username="lucheng").delete()  # the admin's delete action
    assert attempt(client, "lucheng", county_staff.plain_password).status_code == 302
