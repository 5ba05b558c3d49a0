"""The profile page: personal API keys, shown once, stored only as a hash, revocable."""

import hashlib

import pytest
from django.urls import reverse

from investrack.accounts.models import ApiToken
from investrack.accounts.services import MAX_ACTIVE_TOKENS, api_token_create

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_only_its_hash_is_kept(client, county_staff):
    client.force_login(county_staff)
    page = client.post(reverse("accounts:profile"), {"name": "市统计平台"}).content.decode()
    key = page.split('id="new-key">')[1].split("<code>")[1].split("</code>")[0]
    token = ApiToken.objects.get(user=county_staff)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert key not in client.get(reverse("accounts:profile")).content.decode()
    response = client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_a_key_closes_the_api_to_it(client, county_staff):
    token, key = api_token_create(user=county_staff, name="old")
    client.force_login(county_staff)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_nobody_revokes_another_users_key(client, county_staff, other_staff):
    token, key = api_token_create(user=county_staff, name="mine")
    client.force_login(other_staff)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "mine" not in client.get(reverse("accounts:profile")).content.decode()


def test_at_most_ten_active_keys(client, county_staff):
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=county_staff, name=f"k{n}")
    client.force_login(county_staff)
    page = client.post(reverse("accounts:profile"), {"name": "one too many"}).content.decode()
    assert "请先吊销一个" in page
    assert ApiToken.objects.filter(user=county_staff).count() == MAX_ACTIVE_TOKENS
