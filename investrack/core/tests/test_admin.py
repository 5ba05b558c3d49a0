"""History in the back office is looked at, never added, changed or deleted there."""

import pytest
from django.urls import reverse

from investrack.closed_loop.models import LightChange, Notification, Problem
from investrack.projects.models import ImportBatch


@pytest.mark.parametrize("model", [ImportBatch, Problem, LightChange, Notification])
def test_history_is_read_only_in_the_back_office(client, city_admin, model):
    client.force_login(city_admin)
    meta = model._meta
    assert (
        client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code
        == 200
    )
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
