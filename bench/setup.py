"""Django for a benchmark process: settings from the environment, as in production."""

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def django_setup(*, database_url: str | None = None, replace: bool = False) -> None:
    """Set Django up on ``database_url`` (kept if one is set already, unless ``replace``)."""
    if database_url and (replace or "DATABASE_URL" not in os.environ):
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("MEDIA_ROOT", str(ROOT / "bench-media"))
    sys.path.insert(0, str(ROOT))
    # The benchmarks serve no static files: WhiteNoise's note about staticfiles/ is noise.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def time_page(user, url: str, runs: int) -> tuple[float, float, int, float]:
    """Server time of ``url`` for ``user`` through Django's full stack, after one warm-up
    request: (median ms, p95 ms, queries, and the database's time in them: the floor the
    rest of the stack adds to, of the median request). Call under DEBUG=True."""
    import statistics
    import time

    from django.db import connection, reset_queries
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(url)
    times, sql = [], []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in connection.queries) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, len(connection.queries), statistics.median(sql)
