"""An officials' working day, for locust (`python -m bench.load` runs it).

Each simulated official logs in once with a demo log-in of an editing role, then works:
mostly lists and filters, project pages and the dashboard; now and then a stage change or a
monthly progress report through the forms as the browser sends them, an export and an
import preview. Every write the server accepted (a redirect back to the project) is counted
in WRITES, so that the run can compare them with the rows the database holds.

Environment: BENCH_USERS (comma-separated user names), BENCH_PASSWORD, BENCH_SCENARIO
(``day``: the mix; ``list``: the project list only), BENCH_WRITES (a file the counts are
written to when the run stops).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

USERS = itertools.cycle(os.environ.get("BENCH_USERS", "admin").split(","))
PASSWORD = os.environ.get("BENCH_PASSWORD", "investrack-demo")
SCENARIO = os.environ.get("BENCH_SCENARIO", "day")
# Accepted (302), refused with a message (200), and sent: a write still on its way when the
# run stops may be stored without its answer being counted.
WRITES = {"stage": 0, "progress": 0, "refused": 0, "stage_sent": 0, "progress_sent": 0}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
FIRST_STAGE = re.compile(r'<select name="to_stage"[^>]*>\s*<option value="(\d+)"')
PROJECT_LINK = re.compile(r'href="/projects/(\d+)/"')
FILTERS = [
    "",
    "?tier=1yi",
    "?stage=4&sort=-total_investment",
    "?q=新能源",
    "?light=red",
    "?signed_year=2025&page=2",
]
SHEET = (
    "项目名称,所属区域,总投资（万元）,项目类别,阶段\n"
    "压力测试导入项目,鹿城区,12000,制造业,在谈\n".encode("utf-8-sig")
)


class Official(HttpUser):
    wait_time = between(0.2, 1.0) if SCENARIO == "day" else between(0, 0)

    def on_start(self):
        self.username = next(USERS)
        page = self.client.get("/accounts/login/", name="login page")
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _token(page.text),
            },
            name="log in",
        )
        lists = self.client.get("/projects/lists/to-complete/", name="working list")
        self.started = PROJECT_LINK.findall(lists.text) or ["1"]
        lists = self.client.get("/projects/lists/to-start/", name="working list")
        self.signed = PROJECT_LINK.findall(lists.text) or self.started

    @task(30)
    def project_list(self):
        self.client.get("/projects/" + random.choice(FILTERS), name="project list")

    @task(10 if SCENARIO == "day" else 0)
    def working_list(self):
        kind = random.choice(["to-sign", "to-start", "to-complete", "to-produce"])
        self.client.get(f"/projects/lists/{kind}/", name="working list")

    @task(12 if SCENARIO == "day" else 0)
    def project_page(self):
        self.client.get(f"/projects/{random.choice(self.started)}/", name="project page")

    @task(6 if SCENARIO == "day" else 0)
    def dashboard(self):
        self.client.get("/insights/", name="dashboard")

    @task(2 if SCENARIO == "day" else 0)
    def overview(self):
        self.client.get("/", name="overview")

    @task(2 if SCENARIO == "day" else 0)
    def stage_change(self):
        pk = random.choice(self.signed)
        form = self.client.get(f"/projects/{pk}/stage/", name="stage change form")
        stage = FIRST_STAGE.search(form.text)
        if form.status_code != 200 or not stage:
            return
        self._post(
            f"/projects/{pk}/stage/",
            "stage",
            {
                "to_stage": stage.group(1),
                "effective_date": datetime.date.today().isoformat(),
                "note": "压力测试",
                "version": VERSION.search(form.text).group(1),
                "csrfmiddlewaretoken": _token(form.text),
            },
        )

    @task(2 if SCENARIO == "day" else 0)
    def progress_report(self):
        pk = random.choice(self.started)
        form = self.client.get(f"/projects/{pk}/progress/", name="progress form")
        month = datetime.date.today().replace(day=1) - datetime.timedelta(
            days=random.randint(0, 700)
        )
        self._post(
            f"/projects/{pk}/progress/",
            "progress",
            {
                "period": f"{month:%Y-%m}",
                "investment_completed": str(random.randint(10, 5000)),
                "construction_progress": str(random.randint(1, 100)),
                "note": "",
                "csrfmiddlewaretoken": _token(form.text),
            },
        )

    @task(1 if SCENARIO == "day" else 0)
    def export(self):
        self.client.get("/projects/lists/to-start/export.xlsx", name="export (.xlsx)")

    @task(1 if SCENARIO == "day" else 0)
    def import_preview(self):
        page = self.client.get("/projects/imports/", name="import page")
        self.client.post(
            "/projects/imports/",
            data={"kind": "projects", "csrfmiddlewaretoken": _token(page.text)},
            files={"file": ("压力测试.csv", SHEET, "text/csv")},
            name="import preview",
        )

    def _post(self, url: str, kind: str, data: dict) -> None:
        WRITES[f"{kind}_sent"] += 1
        with self.client.post(
            url, data=data, name=f"{kind} (POST)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                WRITES[kind] += 1
                response.success()
            elif response.status_code == 200:  # refused with a message: a month reported
                WRITES["refused"] += 1  # already, a stage moved on by someone else
                response.success()


def _token(html: str) -> str:
    found = TOKEN.search(html)
    return found.group(1) if found else ""


@events.quitting.add_listener
def _write_counts(environment, **_kwargs):
    path = os.environ.get("BENCH_WRITES")
    if path:
        with open(path, "w") as handle:
            json.dump(WRITES, handle)
