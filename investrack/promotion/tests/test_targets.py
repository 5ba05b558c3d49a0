"""The chains' target enterprises: added by a county's staff as the browser sends the form,
marked contacted, counted on the chain map, and a lead by themselves once a project of an
investor of the same name is registered."""

import pytest
from django.urls import reverse

from investrack.promotion.models import TargetEnterprise
from investrack.regions.models import ChainLink
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


def add_target(client, link, **changes):
    page = client.get(reverse("promotion:targets") + f"?link={link.pk}")
    form = rendered_form(page, id="target-form")
    data = {"chain_link": str(link.pk), "name": "江苏锂能新材料科技有限公司",
            "reason": "宁德时代正极材料供应商", "based_in": "江苏常州", **changes}  # fmt: skip
    return form.submit(client, data)


def test_a_target_is_added_marked_contacted_and_becomes_a_lead_by_itself(
    client_for, county_staff, make_project
):
    from investrack.projects.services import InvestorName

    link = ChainLink.objects.order_by("pk").first()
    client = client_for(county_staff)
    assert add_target(client, link).status_code == 302
    target = TargetEnterprise.objects.get()
    assert target.region == county_staff.region and target.status == "not_contacted"
    page = client.get(reverse("promotion:targets") + f"?link={link.pk}")
    mark = rendered_form(page, action=reverse("promotion:target_contacted", args=[target.pk]))
    assert mark.submit(client).status_code == 302
    target.refresh_from_db()
    assert target.status == "contacted"
    chain = client.get(reverse("insights:chain", args=[link.chain_id])).content.decode()
    assert "目标企业 1 家：已接触 1，已成线索 0" in chain
    # The investor's name as the county types it, legal form and all: the same enterprise.
    project = make_project(investor=InvestorName("江苏锂能新材料科技股份有限公司"))
    listed = client.get(reverse("promotion:targets") + f"?link={link.pk}").content.decode()
    assert "已成线索" in listed and project.get_absolute_url() in listed
    chain = client.get(reverse("insights:chain", args=[link.chain_id])).content.decode()
    assert "目标企业 1 家：已接触 0，已成线索 1" in chain


def test_the_same_enterprise_twice_on_a_link_is_refused_and_a_viewer_cannot_add(
    client_for, county_staff, viewer
):
    link = ChainLink.objects.order_by("pk").first()
    client = client_for(county_staff)
    assert add_target(client, link).status_code == 302
    again = add_target(client, link, name="江苏锂能新材料科技有限公司（常州）")
    assert again.status_code == 422 and "已列为本环节的目标企业" in again.content.decode()
    assert TargetEnterprise.objects.count() == 1
    page = client_for(viewer).get(reverse("promotion:targets")).content.decode()
    assert 'id="target-form"' not in page
    assert client_for(viewer).post(reverse("promotion:targets"), {"name": "x"}).status_code == 403


def test_another_county_cannot_mark_a_target_it_does_not_chase(
    client_for, county_staff, other_staff
):
    link = ChainLink.objects.order_by("pk").first()
    assert add_target(client_for(county_staff), link).status_code == 302
    target = TargetEnterprise.objects.get()
    url = reverse("promotion:target_contacted", args=[target.pk])
    assert client_for(other_staff).post(url).status_code == 403
    target.refresh_from_db()
    assert target.status == "not_contacted"
