import pytest
from django.core.management import call_command
from django.urls import reverse

from investrack.accounts.models import User
from investrack.closed_loop.models import Notification
from investrack.promotion.models import Visit

pytestmark = pytest.mark.django_db


def test_the_demo_city_logs_visits_on_its_leads_and_reminds_their_next_steps(client):
    call_command("seed_demo", projects=300, seed=3, verbosity=0)
    visit = Visit.objects.filter(project__region__code="330303").first()
    assert visit is not None
    staff = User.objects.get(username="county330303")
    client.force_login(staff)
    page = client.get(reverse("promotion:visits", args=[visit.project_id])).content.decode()
    assert 'id="visit-log"' in page
    assert visit.met in page
    # The daily job after seeding told the owners of the steps due soon or overdue.
    assert Notification.objects.filter(kind=Notification.Kind.VISIT_STEP).exists()
