"""The widgets written in Python give the HTML Django's own templates give."""

import pytest
from django import forms
from django.test.html import parse_html

from investrack.core.forms import QuickCheckboxes, QuickSelect

CHOICES = [(1, "线索"), (2, "在谈"), (3, "签约 <已签>")]


@pytest.mark.parametrize("value", [None, [], ["2"], ["1", "3"]])
def test_checkboxes_as_django_writes_them(value):
    attrs = {"id": "id_stage"}
    django = forms.CheckboxSelectMultiple(choices=CHOICES).render("stage", value, attrs)
    quick = QuickCheckboxes(choices=CHOICES).render("stage", value, attrs)
    assert parse_html(quick) == parse_html(django)


@pytest.mark.parametrize("value", [None, "", "2"])
def test_select_as_django_writes_it(value):
    choices = [("", "---------"), *CHOICES]
    django = forms.Select(choices=choices).render("stage", value, {"id": "id_stage"})
    quick = QuickSelect(choices=choices).render("stage", value, {"id": "id_stage"})
    assert parse_html(quick) == parse_html(django)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [None, "", "339901"])
def test_select_of_records_as_django_writes_it(value):
    """Choices of a queryset (values wrapped by Django, labels from the records), and the
    attributes the form adds."""
    from investrack.regions.models import Region

    Region.objects.create(code="339901", name="瑞安市 <县>", level=Region.Level.COUNTY)
    field = forms.ModelChoiceField(queryset=Region.objects.all(), to_field_name="code")
    attrs = {"id": "id_region", "class": "wide", "required": True}
    django = forms.Select(choices=field.choices).render("region", value, attrs)
    quick = QuickSelect(choices=field.choices).render("region", value, attrs)
    assert parse_html(quick) == parse_html(django)
