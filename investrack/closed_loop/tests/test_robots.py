"""Group robots (企业微信, 钉钉) hear what the inbox says, once per event, signed as DingTalk
asks; a robot that fails gets the message again later. Tested against a local fake robot,
never a real endpoint."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from investrack.closed_loop import robots
from investrack.closed_loop.models import GroupRobot, RobotMessage
from investrack.closed_loop.notifications import notify

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def fake_robot():
    """A chat tool's robot endpoint on 127.0.0.1: records each POST, answers from a script."""
    heard, answers = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            heard.append((self.path, json.loads(body)))
            status, answer = answers.pop(0) if answers else (200, {"errcode": 0})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.heard, server.answers = heard, answers
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


def test_a_countys_robot_hears_its_county_signed_and_once(
    fake_robot, county, city, county_staff, other_staff, django_capture_on_commit_callbacks
):
    GroupRobot.objects.create(name="鹿城区招商群", platform="dingtalk", region=county,
                              url=f"{fake_robot.url}/robot/send?access_token=t", secret=SECRET)  # fmt: skip
    GroupRobot.objects.create(name="市投促局群", platform="wecom", region=city,
                              url=f"{fake_robot.url}/cgi-bin/webhook/send?key=k",
                              kinds=["assigned"])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[county_staff], kind="resolved", key="problem-7-resolved",
               title="问题已解决：用地指标不足", body="自然资源局已答复。", url="/problems/7/")  # fmt: skip
        notify(users=[other_staff], kind="resolved", key="problem-8-resolved", title="瑞安的问题")
    assert len(fake_robot.heard) == 1  # 鹿城区's robot; the city's hears only assignments
    path, message = fake_robot.heard[0]
    query = parse_qs(urlsplit(path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and query["access_token"] == ["t"]
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == "问题已解决：用地指标不足"
    assert "自然资源局已答复。" in message["markdown"]["text"]
    assert "/problems/7/" in message["markdown"]["text"]
    with django_capture_on_commit_callbacks(execute=True):  # the same event again: not twice
        notify(users=[county_staff], kind="resolved", key="problem-7-resolved", title="again")
    assert len(fake_robot.heard) == 1


def test_the_citys_robot_hears_the_whole_city_in_wecoms_format(
    fake_robot, city, department_staff, other_staff, django_capture_on_commit_callbacks
):
    GroupRobot.objects.create(name="市投促局群", platform="wecom", region=city,
                              url=f"{fake_robot.url}/cgi-bin/webhook/send?key=k")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[department_staff], kind="assigned", key="a-1", title="新交办问题")
        notify(users=[other_staff], kind="turned_red", key="r-1", title="项目亮红灯")
    contents = [m["markdown"]["content"] for _path, m in fake_robot.heard]
    assert contents[0].startswith("**新交办问题**") and contents[1].startswith("**项目亮红灯**")


def test_a_robot_that_fails_is_asked_again(
    fake_robot, county, county_staff, django_capture_on_commit_callbacks
):
    GroupRobot.objects.create(name="鹿城区招商群", platform="wecom", region=county,
                              url=f"{fake_robot.url}/send?key=k")  # fmt: skip
    fake_robot.answers += [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[county_staff], kind="turned_red", key="red-1", title="项目亮红灯")
    message = RobotMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error == "45009: api freq out of limit"
    assert robots.send_pending() == 1  # the daily job's pass
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2
    assert len(fake_robot.heard) == 2


def test_a_robots_address_is_https():
    robot = GroupRobot(name="x", platform="wecom", url="http://qyapi.example.com/send?key=k",
                       region_id=1)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        robot.clean()
    assert "https://" in " ".join(refused.value.messages)
    robot.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    robot.clean()
