"""Group robots of the chat tools Chinese offices use (企业微信, 钉钉): what the inbox says
is posted to the county's (and the city's) group too.

A message is a row (``RobotMessage``), made in the same transaction as the notifications,
once per robot and event; after the commit it is posted as markdown — to DingTalk signed
with the robot's secret (timestamp and HMAC-SHA256, as DingTalk's 加签 asks). A robot that
does not answer, or answers with an error code, leaves its message pending: the next
message, or the daily job, tries again, up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import quote_plus

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from investrack.closed_loop.models import GroupRobot, Notification, RobotMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 5


def _regions_of(user) -> set[int]:
    """The user's county or city and those above it: whose robots hear about the user."""
    found, region = set(), (user.park.region if user.park_id else user.region)
    while region is not None:
        found.add(region.pk)
        region = region.parent
    return found


def queue(notifications: Iterable[Notification]) -> None:
    """Make the robots' messages of these notifications (once per robot and event) and
    post them after the commit."""
    robots = list(GroupRobot.objects.filter(active=True))
    if not robots:
        return
    from investrack.accounts.models import User

    notifications = list(notifications)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={n.user_id for n in notifications}).select_related(
            "region__parent__parent", "park__region__parent"
        )
    }
    rows = {}
    for n in notifications:
        regions = _regions_of(users[n.user_id]) if n.user_id in users else set()
        for robot in robots:
            if robot.region_id in regions and (not robot.kinds or n.kind in robot.kinds):
                rows[(robot.pk, n.kind, n.key)] = RobotMessage(
                    robot=robot, kind=n.kind, key=n.key, title=n.title, body=n.body, url=n.url
                )
    if rows:
        RobotMessage.objects.bulk_create(rows.values(), ignore_conflicts=True)
        keys = {(kind, key) for _robot, kind, key in rows}
        transaction.on_commit(lambda: send_pending(events=keys))


def _signed(robot: GroupRobot) -> str:
    if robot.platform != GroupRobot.Platform.DINGTALK or not robot.secret:
        return robot.url
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(
        robot.secret.encode(), f"{timestamp}\n{robot.secret}".encode(), hashlib.sha256
    ).digest()
    sign = quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in robot.url else "?"
    return f"{robot.url}{joiner}timestamp={timestamp}&sign={sign}"


def payload(message: RobotMessage) -> dict:
    """The markdown message each platform takes."""
    link = settings.SITE_URL.rstrip("/") + message.url if message.url else ""
    lines = [message.body, f"[{link}]({link})" if link else ""]
    text = "\n\n".join(line for line in lines if line)
    if message.robot.platform == GroupRobot.Platform.DINGTALK:
        return {"msgtype": "markdown",
                "markdown": {"title": message.title, "text": f"#### {message.title}\n\n{text}"}}  # fmt: skip
    return {"msgtype": "markdown", "markdown": {"content": f"**{message.title}**\n{text}"}}


def _post(message: RobotMessage) -> str:
    """Post one message; '' when the robot took it, else what went wrong."""
    request = urllib.request.Request(
        _signed(message.robot),
        data=json.dumps(payload(message), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - https, or loopback (GroupRobot.clean)
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(exc)[:300]
    if answer.get("errcode", 0) != 0:
        return f"{answer.get('errcode')}: {answer.get('errmsg', '')}"[:300]
    return ""


def send_pending(events: set[tuple[str, str]] | None = None) -> int:
    """Post the messages not yet taken (of ``events``, (kind, key) pairs, or all), oldest
    first; a robot that fails is not asked again in the same call. Returns how many were
    taken."""
    pending = (
        RobotMessage.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
                                    robot__active=True)
        .select_related("robot")
        .order_by("id")
    )  # fmt: skip
    if events is not None:
        pending = pending.filter(key__in={key for _kind, key in events})
    sent, failed = 0, set()
    for message in pending[:500]:
        if message.robot_id in failed or (
            events is not None and (message.kind, message.key) not in events
        ):
            continue
        error = _post(message)
        message.attempts += 1
        message.last_error = error
        if not error:
            message.sent_at = timezone.now()
            sent += 1
        else:
            failed.add(message.robot_id)
            log.warning("Robot %s did not take message %s: %s", message.robot, message.pk, error)
        message.save(update_fields=["attempts", "last_error", "sent_at"])
    return sent
