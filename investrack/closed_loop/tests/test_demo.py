import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from investrack.accounts.models import User
from investrack.closed_loop.models import ApprovalItem, Notification, Problem, ProblemStatus

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_a_living_closed_loop(client):
    call_command("seed_demo", projects=300, seed=3, verbosity=0)
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert statuses == set(ProblemStatus.values)
    assert Problem.objects.filter(deadline__lt=datetime.date.today(), resolved_on=None).exists()
    assert ApprovalItem.objects.filter(status="approved").exists()
    assert ApprovalItem.objects.filter(status="not_started").exists()
    # The daily job ran: overdue problems reached the bureau, red projects their leaders.
    admin = User.objects.get(username="admin")
    assert Notification.objects.filter(user=admin, kind="escalated").exists()
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    page = client.get(reverse("service:leader")).content.decode()
    assert 'class="light l2"' in page
    client.force_login(User.objects.get(username="zrzy"))
    workbench = client.get(reverse("service:problems")).content.decode()
    assert "自然资源局工作台" in workbench or "温州市自然资源和规划局工作台" in workbench
