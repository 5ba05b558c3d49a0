"""Chinese first, English second: both catalogues complete, and the switch works."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {entry.msgid for entry in mo}
    assert {entry.msgid for entry in po.translated_entries()} <= compiled


@pytest.mark.django_db
def test_chinese_is_the_default_and_english_is_one_click_away(client, county_staff):
    client.force_login(county_staff)
    page = client.get(reverse("projects:list")).content.decode()
    assert "促开工" in page and "总投资" in page
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("projects:list")}
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:list")).content.decode()
    assert "To start" in page and "Total investment" in page
    assert "促开工" not in page


@pytest.mark.django_db
def test_validation_messages_follow_the_language(client, county_staff):
    client.force_login(county_staff)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("projects:create"), {"total_investment": "约3亿"})
    assert "is an estimate" in " ".join(response.context["form"].errors["total_investment"])


@pytest.mark.django_db
def test_working_list_title_follows_the_language(client, county_staff):
    client.force_login(county_staff)
    url = reverse("projects:work_list", args=["to-start"])
    assert "<h1>促开工</h1>" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert "<h1>To start</h1>" in client.get(url).content.decode()
