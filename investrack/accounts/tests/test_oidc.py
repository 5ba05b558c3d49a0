"""Single sign-on against a fake identity provider on this machine: an account the
administrator created logs in (and follows the provider's role and jurisdiction); an
unknown one is refused with a message; with OIDC off the URLs do not exist."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from investrack.accounts.models import Role

pytestmark = pytest.mark.django_db

SECRET = "fake-idp-client-secret-0123456789"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


class FakeProvider:
    """Answers the token and userinfo requests of one log-in."""

    def __init__(self):
        self.nonce = ""
        self.claims = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # the token endpoint
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = int(time.time())
                self._json(
                    {
                        "access_token": "fake-access-token",
                        "token_type": "Bearer",
                        "id_token": _jwt(
                            {
                                "iss": "fake",
                                "aud": "investrack",
                                "sub": "42",
                                "iat": now,
                                "exp": now + 300,
                                "nonce": provider.nonce,
                            }  # fmt: skip
                        ),
                    }
                )

            def do_GET(self):  # the userinfo endpoint
                self._json(provider.claims)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "investrack.accounts.oidc.OfficialsBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "investrack"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = fake.url + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = fake.url + "/token"
    settings.OIDC_OP_USER_ENDPOINT = fake.url + "/userinfo"
    settings.OIDC_ROLE_CLAIM = "investrack_role"
    settings.OIDC_REGION_CLAIM = "division"
    yield fake
    fake.server.shutdown()


def sign_in(client, provider, claims):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start.url.startswith(provider.url + "/authorize")
    query = parse_qs(urlparse(start.url).query)
    provider.nonce = query["nonce"][0]
    provider.claims = claims
    return client.get(
        reverse("oidc_authentication_callback"), {"code": "fake-code", "state": query["state"][0]}
    )


def test_a_created_account_signs_in_and_follows_the_claims(
    client, provider, county_staff, other_county
):
    page = client.get(reverse("login")).content.decode()
    assert 'id="sso"' in page
    response = sign_in(
        client,
        provider,
        {
            "sub": "42",
            "preferred_username": "lucheng",
            "investrack_role": "viewer",
            "division": other_county.code,
        },  # fmt: skip
    )
    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("home")).status_code == 200
    county_staff.refresh_from_db()
    assert (county_staff.role, county_staff.region) == (Role.VIEWER, other_county)


def test_an_unknown_account_is_refused_with_a_message(client, provider, county_staff):
    response = sign_in(client, provider, {"sub": "43", "preferred_username": "stranger"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    page = client.get(response.url).content.decode()
    assert "管理员" in page
    assert client.get(reverse("home")).status_code == 302
    from investrack.accounts.models import User

    assert not User.objects.filter(username="stranger").exists()


def test_off_by_default(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert 'id="sso"' not in client.get(reverse("login")).content.decode()
