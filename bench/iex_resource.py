"""The same project sheet through django-import-export, for the side-by-side benchmark.

The resource maps the sheet's headers to the project's fields as a Django developer
would with that library: rows matched on the project code, amounts from 万元, regions and
parks by name, industries by code, investors created on first mention, stages and
categories by their Chinese names. It does less than investrack's importer — no stage
events, no audit entries, no jurisdiction checks, no foreign investment — so the
comparison flatters it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import tablib
from import_export import fields, resources, widgets
from python_calamine import CalamineWorkbook

from investrack.projects import exports
from investrack.projects.imports import PROJECT_COLUMNS, stage_names
from investrack.projects.models import STAGE_DATE_FIELD, Category, Investor, Project, Stage
from investrack.regions.models import Industry, Park, Region


def dataset_from_sheet(path: Path) -> tablib.Dataset:
    """The data rows of the exported sheet, below its title, without the 合计 row."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header, body = rows[2], rows[3:-1]
    dataset = tablib.Dataset(headers=header)
    for row in body:
        dataset.append([None if value == "" else value for value in row])
    return dataset


class WanWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        return None if number is None else (number * 10_000).quantize(Decimal("0.01"))


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if value in (None, "") else str(value)


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return value.date() if isinstance(value, datetime.datetime) else value


class LabelWidget(widgets.Widget):
    def __init__(self, names: dict):
        self.names = names

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return self.names[str(value).lower().replace(" ", "")]


class IndustryWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(str(value).split()[0], row, **kwargs) if value else None


class InvestorWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        investor, _created = Investor.objects.get_or_create(name=value)
        return investor


class CityRegionWidget(widgets.ForeignKeyWidget):
    def get_queryset(self, value, row, *args, **kwargs):
        return Region.objects.filter(parent__code="330300")


def project_resource():
    headers = {c.key: exports._header(c) for c in PROJECT_COLUMNS}
    stages = stage_names()
    categories = {str(Category(v).label): v for v in Category.values}
    attrs = {
        "code": fields.Field(attribute="code", column_name=headers["code"]),
        "name": fields.Field(attribute="name", column_name=headers["name"]),
        "investor": fields.Field(
            attribute="investor",
            column_name=headers["investor"],
            widget=InvestorWidget(Investor, "name"),
        ),
        "category": fields.Field(
            attribute="category", column_name=headers["category"], widget=LabelWidget(categories)
        ),
        "industry": fields.Field(
            attribute="industry",
            column_name=headers["industry"],
            widget=IndustryWidget(Industry, "code"),
        ),
        "region": fields.Field(
            attribute="region",
            column_name=headers["region"],
            widget=CityRegionWidget(Region, "name"),
        ),
        "park": fields.Field(
            attribute="park",
            column_name=headers["park"],
            widget=widgets.ForeignKeyWidget(Park, "name"),
        ),
        "stage": fields.Field(
            attribute="stage", column_name=headers["stage"], widget=LabelWidget(stages)
        ),
        "description": fields.Field(
            attribute="description", column_name=headers["description"], widget=TextWidget()
        ),
        "land_area": fields.Field(
            attribute="land_area", column_name=headers["land_area"], widget=widgets.DecimalWidget()
        ),
    }
    for key in ("total_investment", "expected_annual_output", "expected_annual_tax"):
        attrs[key] = fields.Field(attribute=key, column_name=headers[key], widget=WanWidget())
    date_keys = [
        "planned_sign_date",
        "planned_start_date",
        "planned_completion_date",
        "planned_production_date",
        *STAGE_DATE_FIELD.values(),
    ]
    for key in date_keys:
        attrs[key] = fields.Field(attribute=key, column_name=headers[key], widget=DateWidget())

    class Meta:
        model = Project
        import_id_fields = ("code",)
        fields = tuple(attrs)
        skip_unchanged = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.stage_since = (
            getattr(instance, STAGE_DATE_FIELD[Stage(instance.stage)]) or datetime.date.today()
        )

    attrs["Meta"] = Meta
    attrs["before_save_instance"] = before_save_instance
    return type("ProjectResource", (resources.ModelResource,), attrs)()
