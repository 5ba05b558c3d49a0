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
