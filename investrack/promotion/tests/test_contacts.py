"""An investor's contacts are personal information: recorded by a county's staff as the
browser sends the form, shown masked to everyone, in full to the county that recorded them
and the city bureau on asking, each time audited."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from investrack.core.models import AuditEntry
from investrack.promotion.models import InvestorContact, masked_email, masked_phone
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_project):
    from investrack.projects.services import InvestorName

    return make_project(
        name="储能电池项目", investor=InvestorName("宁德时代新能源科技股份有限公司")
    )


def record_contact(client, project, **changes):
    page = client.get(reverse("promotion:visits", args=[project.pk]))
    form = rendered_form(page, id="contact-form")
    data = {"name": "王强", "title": "投资发展部总监", "phone": "138 1234 5678",
            "email": "wang.qiang@catl.com", **changes}  # fmt: skip
    return form.submit(client, data)


def test_masks():
    assert masked_phone("13812345678") == "138****5678"
    assert masked_phone("138-1234-5678") == "138****5678"
    assert masked_phone("0577-88886666") == "****6666"
    assert masked_email("wang.qiang@catl.com") == "w***@catl.com"


@given(st.text(alphabet="0123456789- +", max_size=20))
def test_a_masked_phone_never_shows_the_middle_digits(phone):
    digits = "".join(c for c in phone if c.isdigit())
    masked = masked_phone(phone)
    assert "".join(c for c in masked if c.isdigit()) in (digits[:3] + digits[-4:], digits[-4:], "")


def test_the_county_records_a_contact_and_sees_it_masked_until_it_asks(
    client_for, county_staff, lead
):
    client = client_for(county_staff)
    assert record_contact(client, lead).status_code == 302
    contact = InvestorContact.objects.get()
    assert contact.region == lead.region
    page = client.get(reverse("promotion:visits", args=[lead.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page and "w***@catl.com" in page
    reveal = rendered_form(client.get(reverse("promotion:visits", args=[lead.pk])), action=reverse(
        "promotion:contact_reveal", args=[lead.pk, contact.pk]))  # fmt: skip
    shown = reveal.submit(client).content.decode()
    assert "138 1234 5678" in shown and "wang.qiang@catl.com" in shown
    entry = AuditEntry.objects.get(table="promotion.investorcontact", object_id=contact.pk)
    assert entry.action == "view" and entry.actor == county_staff


def test_a_viewer_sees_it_masked_and_cannot_reveal(client_for, county_staff, viewer, lead):
    assert record_contact(client_for(county_staff), lead).status_code == 302
    contact = InvestorContact.objects.get()
    client = client_for(viewer)
    page = client.get(reverse("promotion:visits", args=[lead.pk])).content.decode()
    assert "138****5678" in page and "contact_reveal" not in page and "/reveal/" not in page
    url = reverse("promotion:contact_reveal", args=[lead.pk, contact.pk])
    assert client.post(url).status_code == 403
    assert not AuditEntry.objects.filter(action="view").exists()


def test_a_contact_needs_a_way_to_reach_them(client_for, county_staff, lead):
    response = record_contact(client_for(county_staff), lead, phone="", email="")
    assert response.status_code == 422 and "请填写电话或电子邮箱" in response.content.decode()
    assert not InvestorContact.objects.exists()
