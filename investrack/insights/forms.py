"""The period, date and area a leader asks about."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investrack.core.forms import DateInput, PastDateField
from investrack.insights.indicators import Period, first_of_month, last_closed_month
from investrack.projects.forms import MonthInput
from investrack.projects.models import Category

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y年%m月", "%Y.%m"]


class PeriodForm(forms.Form):
    """From month, to month, as of a date (today by default), category."""

    period_from = forms.DateField(label=_("From"), widget=MonthInput, input_formats=MONTH_FORMATS,
                                  required=False)  # fmt: skip
    period_to = forms.DateField(label=_("To"), widget=MonthInput, input_formats=MONTH_FORMATS,
                                required=False)  # fmt: skip
    as_of = PastDateField(label=_("As of"), required=False)
    # The record clock: the figures as known at the end of that day (empty, today or later:
    # as known now).
    known_on = forms.DateField(label=_("As known on"), required=False, widget=DateInput)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        for outer, inner in (("from", "period_from"), ("to", "period_to")):
            if outer in data and inner not in data:
                data[inner] = data[outer]
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The period ends before it begins."))
        as_of, known_on = data.get("as_of"), data.get("known_on")
        today = timezone.localdate()
        if known_on and known_on < today and as_of and not Period.months(as_of, as_of).on_totals:
            # The figures as then known are read from the kept totals, exact at a month's end.
            self.add_error(
                "as_of",
                _("With “as known on”, choose the last day of a month or today as the as-of date."),
            )
        return data

    def period(self) -> Period:
        """The period asked for; what is missing or wrong falls back to this year so far."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        as_of = data.get("as_of") or today
        end = data.get("period_to") or as_of
        start = data.get("period_from") or datetime.date(end.year, 1, 1)
        if start > end:
            start = datetime.date(end.year, 1, 1)
        return Period.months(first_of_month(start), end, as_of, data.get("known_on"))

    @property
    def chosen_category(self) -> str:
        return self.cleaned_data.get("category", "") if self.is_valid() else ""


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), widget=MonthInput, input_formats=MONTH_FORMATS,
                            required=False)  # fmt: skip

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and first_of_month(month) > timezone.localdate():
            raise forms.ValidationError(_("This month has not begun."))
        return month

    def chosen_month(self, *, closed: bool = False) -> datetime.date:
        """The month asked for; by default this month, or with ``closed`` the last month
        that has ended."""
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if value:
            return first_of_month(value)
        today = timezone.localdate()
        return last_closed_month(today) if closed else first_of_month(today)


class TargetsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet of targets"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
