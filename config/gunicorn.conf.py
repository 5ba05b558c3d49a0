"""gunicorn for investrack: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Workers are sized to the cores (2 × cores + 1, or WEB_WORKERS); each serves requests one at
a time (sync workers: the ORM is synchronous), with two threads so that a slow export
does not hold a worker's other request. Settings come from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))  # an import preview of 10⁵ rows
graceful_timeout = 30
max_requests = 2000  # a worker is renewed now and then: no slow leak lives for ever
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One line per request, with the id the app logs it under (X-Request-ID).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
