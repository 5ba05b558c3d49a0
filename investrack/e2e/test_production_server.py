"""The production server as the README's Deploy section runs it — gunicorn with its
config, DEBUG off, static files collected and served by WhiteNoise — and a county
official's journey through it in Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from investrack.e2e.conftest import lucheng_official_with_a_signed_project
from investrack.e2e.test_journey import log_in
from investrack.projects.models import Project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DEBUG")},
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "gunicorn-e2e-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "LOG_FORMAT": "json",
    }
    python = str(Path(sys.executable))
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "config/gunicorn.conf.py",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def test_a_county_official_through_gunicorn(gunicorn, page):
    user, project = lucheng_official_with_a_signed_project("gu-staff", description="第一行\n第二行")
    response = page.goto(gunicorn + "/accounts/login/")
    assert (
        response.headers["x-request-id"]
        and "script-src 'self'" in response.headers["content-security-policy"]
    )
    log_in(page, gunicorn, user)
    page.goto(f"{gunicorn}/projects/{project.pk}/edit/")
    page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("已保存")
    assert Project.objects.get(pk=project.pk).version == project.version
    css = page.request.get(gunicorn + page.locator("link[rel=stylesheet]").get_attribute("href"))
    assert css.ok and "max-age" in css.headers.get("cache-control", "")  # WhiteNoise, hashed
    health = page.request.get(gunicorn + "/healthz")
    assert health.status == 503 and health.json()["checks"]["daily_job"] == "never ran"
