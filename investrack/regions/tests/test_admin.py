"""Reference data in the back office."""

from django.urls import reverse

from investrack.regions.models import Industry


def test_an_industry_keeps_its_code_in_the_back_office(client, city_admin):
    """The figures by industry division are kept under the classes' codes: the code of an
    existing class is shown, not offered for editing (a new class still gets one)."""
    city_admin.is_staff = city_admin.is_superuser = True
    city_admin.save()
    client.force_login(city_admin)
    industry = Industry.objects.get(code="3612")
    change = client.get(reverse("admin:regions_industry_change", args=[industry.pk]))
    assert change.status_code == 200
    assert 'name="code"' not in change.content.decode()
    assert "3612" in change.content.decode()
    add = client.get(reverse("admin:regions_industry_add"))
    assert 'name="code"' in add.content.decode()
    client.post(
        reverse("admin:regions_industry_change", args=[industry.pk]),
        {"code": "9999", "name": industry.name, "level": industry.level,
         "section": industry.section, "parent": industry.parent_id or ""},
    )  # fmt: skip
    industry.refresh_from_db()
    assert industry.code == "3612"
