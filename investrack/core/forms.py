"""Form fields that read figures as officials write them, and shared form helpers."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from investrack.core.units import WAN, UnitError, format_date, parse_amount, parse_area, to_wan


class AmountField(forms.CharField):
    """An amount in 万元 unless the user writes a unit: "15000", "1.5亿", "3,000万美元"."""

    def __init__(self, *args, currency: str | None = "CNY", **kwargs):
        self.currency = currency  # None: any currency, returned as (amount, currency)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("maxlength", "64")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(to_wan(value), "f")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            money = parse_amount(value, default_unit=WAN)
        except UnitError as exc:
            raise ValidationError(str(exc), code="amount") from exc
        if self.currency and money.currency != self.currency:
            raise ValidationError(
                _("Enter this amount in RMB (元); %(currency)s is not accepted here.")
                % {"currency": money.currency},
                code="currency",
            )
        if money.amount >= Decimal("1e16"):  # before rounding: 10³⁰ does not round to cents
            raise ValidationError(_("This amount is too large to be real."), code="amount")
        amount = money.amount.quantize(Decimal("0.01"))
        return amount if self.currency else (amount, money.currency)


class AreaField(forms.CharField):
    """Land in 亩: "120", "120亩", "8000平方米"."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_area(value)
        except UnitError as exc:
            raise ValidationError(str(exc), code="area") from exc


class MultilineField(forms.CharField):
    """Text of several lines. Browsers send a textarea's line breaks as CR LF; stored as LF,
    so that saving a form unchanged changes nothing."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PastDateField(forms.DateField):
    """A date that has already happened: stage events are facts, not plans."""

    widget = DateInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"])
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise ValidationError(
                _("%(date)s is in the future: record a stage only once it has happened.")
                % {"date": format_date(value)},
                code="future",
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python. Django renders a template for every option, which a
    filter bar of long lists (counties, parks, tags) pays on every request of every list,
    and a dict of attributes for each besides: the options are written straight from the
    choices."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group of options: as Django writes it
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted  # only the first, as Django
            chosen = chosen or selected
            options.append(
                f'<option value="{conditional_escape(option_value)}"'
                f"{' selected' if selected else ''}>{conditional_escape(label)}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),  # noqa: S308 (each part escaped above)
        )


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes written in Python, as Django's templates write them (a template per box,
    paid on every request of the project list)."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        built = self.build_attrs(self.attrs, attrs)
        boxes = []
        for index, (option_value, label) in enumerate(self.choices):
            if isinstance(label, list | tuple):  # a group of options: as Django writes it
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            box = dict(built)
            if "id" in built:
                box["id"] = f"{built['id']}_{index}"
            if option_value in wanted:
                box["checked"] = True
            boxes.append(
                format_html(
                    '<div><label for="{}"><input type="checkbox" name="{}" value="{}"{}> {}'
                    "</label></div>",
                    box.get("id", ""),
                    name,
                    option_value,
                    flatatt(box),
                    label,
                )
            )
        return format_html(
            "<div{}>{}</div>",
            flatatt({"id": built.get("id")}),
            mark_safe("".join(boxes)),  # noqa: S308 (each part escaped above)
        )
