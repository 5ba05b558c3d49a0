"""Projects over the REST API: the same selectors, filters and services as the pages."""

from __future__ import annotations

import base64
import binascii
import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder
from ninja.throttling import AnonRateThrottle
from pydantic import AfterValidator

from investrack.accounts.permissions import parks_for, regions_for
from investrack.projects import open_data, selectors, services
from investrack.projects.investor_keys import credit_code_clean, validate_credit_code
from investrack.projects.models import STAGE_DATE_FIELD, Category, Project, Stage, StageEvent
from investrack.regions.models import Indicator, Industry

router = Router(tags=["projects"])

MAX_LIMIT = 200


def _printable(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError(_("Control characters are not allowed."))
    return value


Text = Annotated[str, AfterValidator(_printable)]
Yuan = Annotated[Decimal, Field(ge=0, lt=Decimal("1e16"), max_digits=18, decimal_places=2)]
Area = Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), max_digits=12, decimal_places=2)]


# --- schemas ------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    national_code: str
    investor: str | None = None
    investor_credit_code: str | None = None
    category: str
    industry: str | None = None
    region: str
    region_name: str
    park: str | None = None
    total_investment: Decimal = Field(..., description="Yuan (元)")
    foreign_investment: Decimal | None = None
    foreign_currency: str
    land_area: Decimal | None = Field(None, description="亩 (mu)")
    expected_annual_output: Decimal | None = None
    expected_annual_tax: Decimal | None = None
    stage: int = Field(..., description="1 lead … 7 full output")
    stage_label: str
    stage_since: datetime.date
    lead_on: datetime.date | None
    negotiating_on: datetime.date | None
    signed_on: datetime.date | None
    started_on: datetime.date | None
    completed_on: datetime.date | None
    production_on: datetime.date | None
    full_output_on: datetime.date | None
    planned_sign_date: datetime.date | None
    planned_start_date: datetime.date | None
    planned_completion_date: datetime.date | None
    planned_production_date: datetime.date | None
    dropped_on: datetime.date | None
    is_stalled: bool
    description: str
    version: int = Field(..., description="Send it back with a change: a stale one gets 409")
    light: int | None = Field(
        None, description="Warning light today in lists: 0 none, 1 yellow, 2 red"
    )
    open_problems: int | None = Field(None, description="Open problems, in lists")

    # The related records' codes and names by resolvers: a dotted alias ("region.code")
    # is looked up through Django's template Variable, a third of a page's serialising.
    @staticmethod
    def resolve_investor(obj) -> str | None:
        return obj.investor.name if obj.investor_id else None

    @staticmethod
    def resolve_investor_credit_code(obj) -> str | None:
        return obj.investor.credit_code if obj.investor_id else None

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_park(obj) -> str | None:
        return obj.park.code if obj.park_id else None

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(Stage(obj.stage).label)


# What ProjectOut reads of a row in a list: its own columns and the related records' codes
# and names its resolvers read (the other columns, and the people, are not loaded).
ROW_FIELDS = tuple(
    name for name in ProjectOut.model_fields if name in {f.name for f in Project._meta.fields}
) + ("region__code", "region__name", "park__code", "industry__code", "investor__name",
     "investor__credit_code")  # fmt: skip
_WRITERS = {name: getattr(ProjectOut, f"resolve_{name}", None) for name in ProjectOut.model_fields}


def rows_out(rows: list) -> list[dict]:
    """The rows of a list as ProjectOut writes them, field by field (by its resolver where
    it has one), without pydantic checking every value of rows read from our own tables:
    that check was a quarter of a page's time. A test holds the two to the same JSON."""
    return [
        {
            name: write(row) if write else getattr(row, name, None)
            for name, write in _WRITERS.items()
        }
        for row in rows
    ]


def _json(page: dict) -> JsonResponse:
    """A page written out as ninja's renderer writes it (decimals as strings)."""
    return JsonResponse(
        page, encoder=NinjaJSONEncoder, content_type="application/json; charset=utf-8"
    )


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page")


class ListPage(Schema):
    items: list[ProjectOut]
    count: int
    offset: int
    limit: int


class ProjectFields(Schema):
    name: Text | None = Field(None, min_length=1, max_length=200)
    national_code: Text | None = Field(None, max_length=32)
    investor: Text | None = Field(None, max_length=128, description="Investor name")
    investor_credit_code: Text | None = Field(
        None,
        max_length=18,
        description="Unified social credit code (GB 32100-2015): a known code names its "
        "investor; a new one is kept on the investor named",
    )
    category: Category | None = None
    industry: Text | None = Field(None, max_length=5, description="GB/T 4754 code")
    region: Text | None = Field(None, max_length=6, description="GB/T 2260 county code")
    park: Text | None = Field(None, max_length=32, description="Park code")
    total_investment: Yuan | None = None
    foreign_investment: Yuan | None = None
    foreign_currency: Literal["USD", "HKD", "EUR", "JPY", "CNY"] | None = None
    land_area: Area | None = None
    expected_annual_output: Yuan | None = None
    expected_annual_tax: Yuan | None = None
    planned_sign_date: datetime.date | None = None
    planned_start_date: datetime.date | None = None
    planned_completion_date: datetime.date | None = None
    planned_production_date: datetime.date | None = None
    description: Text | None = Field(None, max_length=5000)


class ProjectIn(ProjectFields):
    name: Text = Field(..., min_length=1, max_length=200)
    code: Text = Field(..., min_length=1, max_length=32)
    region: Text = Field(..., max_length=6, description="GB/T 2260 county code")
    total_investment: Yuan
    stage: int = Field(Stage.LEAD, ge=1, le=7)
    lead_on: datetime.date | None = None
    negotiating_on: datetime.date | None = None
    signed_on: datetime.date | None = None
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    production_on: datetime.date | None = None
    full_output_on: datetime.date | None = None


class ProjectPatch(ProjectFields):
    version: int = Field(..., description="The version you read")


class EventOut(Schema):
    id: int
    kind: str
    stage: int | None
    effective_date: datetime.date
    note: str
    corrects: int | None = Field(None, alias="corrects_id")
    retracts: bool
    recorded_by: str | None = Field(None, alias="recorded_by.username")
    recorded_at: datetime.datetime


class EventIn(Schema):
    kind: Literal["advance", "drop", "stall", "unstall"]
    stage: int | None = Field(None, ge=1, le=7, description="For advance: the stage reached")
    effective_date: datetime.date | None = None
    note: Text = Field("", max_length=5000)
    version: int | None = None


class ProgressOut(Schema):
    period: datetime.date
    investment_completed: Decimal
    construction_progress: int
    cumulative: Decimal
    note: str
    reported_by: str | None = Field(None, alias="reported_by.username")
    reported_at: datetime.datetime


class ProgressIn(Schema):
    period: datetime.date = Field(..., description="Any day of the month reported")
    investment_completed: Yuan
    construction_progress: int = Field(0, ge=0, le=100)
    note: Text = Field("", max_length=5000)


class ProjectQuery(Schema):
    q: Text | None = Field(None, max_length=100)
    region: Text | None = Field(None, max_length=6)
    park: Text | None = Field(None, max_length=32)
    stage: list[int] | None = None
    category: Category | None = None
    industry: Text | None = Field(None, max_length=5)
    tier: Literal["1yi", "10yi", "100yi"] | None = None
    tag: Text | None = Field(None, max_length=32)
    signed_year: int | None = Field(None, ge=1900, le=2200)
    status: Literal["active", "stalled", "dropped", "all"] | None = None
    light: Literal["red", "yellow", "lit"] | None = None
    chain: int | None = Field(None, description="Industry chain id")
    chain_link: int | None = Field(None, description="Industry-chain link id")
    indicator: Indicator | None = Field(
        None, description="The projects behind an indicator's figure (with from, to, as_of)"
    )
    period_from: datetime.date | None = Field(None, alias="from", description="First month")
    period_to: datetime.date | None = Field(None, alias="to", description="Last month")
    as_of: datetime.date | None = Field(None, description="The figure as of this date")
    on: datetime.date | None = Field(None, description="With stage: the stage on this date")


# --- helpers ------------------------------------------------------------------------------


def _params(request, extra=("cursor", "limit", "offset", "sort")):
    params = request.GET.copy()
    for key in extra:
        params.pop(key, None)
    return params


def _check_filter(filterset) -> None:
    if not filterset.is_valid():
        raise ValidationError(
            {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
        )


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": _("This cursor is not one we gave out.")}) from exc
    if value < 0:
        raise ValidationError({"cursor": _("This cursor is not one we gave out.")})
    return value


def _references(user, data: dict, project=None) -> dict:
    """Codes in the payload → the records, within the user's jurisdiction (``project``: the
    one updated, whose investor a credit code alone completes)."""
    if data.get("region") is not None:
        region = regions_for(user).filter(code=data["region"]).first()
        if region is None:
            raise ValidationError(
                {"region": _("No county or district with this code in your jurisdiction.")}
            )
        data["region"] = region
    if "park" in data:
        if data["park"]:
            park = parks_for(user).filter(code=data["park"]).first()
            if park is None:
                raise ValidationError({"park": _("No park with this code in your jurisdiction.")})
            data["park"] = park
        else:
            data["park"] = None
    if "industry" in data:
        if data["industry"]:
            industry = Industry.objects.filter(code=data["industry"].upper()).first()
            if industry is None:
                raise ValidationError({"industry": _("No GB/T 4754 industry has this code.")})
            data["industry"] = industry
        else:
            data["industry"] = None
    code = data.pop("investor_credit_code", None)
    if code:
        code = credit_code_clean(code)
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            raise ValidationError({"investor_credit_code": exc.messages}) from exc
    if "investor" in data or code:
        current = getattr(project, "investor", None) if project is not None else None
        name = data["investor"] if "investor" in data else getattr(current, "name", "")
        data["investor"] = services.InvestorName(name or "", credit_code=code or "")
    for key in ("description", "national_code"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


def _count(filterset) -> int:
    """The list's rows, counted from the kept totals when they tell (as the pages count)."""
    known = filterset.known_count()
    return known if known is not None else filterset.rows.count()


def _project(request, project_id: int):
    return selectors.project_detail(user=request.user, pk=project_id)


# --- endpoints ----------------------------------------------------------------------------


@router.get("", response=ProjectPage, summary="Projects, newest first, with the list's filters")
def project_list(
    request,
    filters: Query[ProjectQuery],
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
):
    """The same filters as the project list page. Pages follow a keyset cursor, so that a
    deep page costs what the first one does."""
    filterset = selectors.project_list(user=request.user, params=_params(request))
    _check_filter(filterset)
    qs = filterset.rows.order_by("-id")
    if cursor:
        qs = qs.filter(id__lt=_decode(cursor))
    rows = selectors.decorated_slice(qs, filterset.book, 0, limit + 1, fields=ROW_FIELDS)
    more = len(rows) > limit
    rows = rows[:limit]
    page = {"items": rows_out(rows), "next_cursor": _encode(rows[-1].pk) if more and rows else None}
    return _json(page)


@router.post("", response={201: ProjectOut}, summary="Create a project")
def project_create(request, payload: ProjectIn):
    data = _references(request.user, payload.dict(exclude_unset=True))
    stage = data.pop("stage", Stage.LEAD)
    stage_dates = {s: data.pop(f, None) for s, f in STAGE_DATE_FIELD.items()}
    project = services.project_create(
        actor=request.user, data=data, stage=stage, stage_dates=stage_dates
    )
    return Status(201, selectors.project_detail(user=request.user, pk=project.pk))


@router.get("/lists/{kind}", response=ListPage, summary="A working list, most urgent first")
def work_list(
    request,
    kind: Literal["to-sign", "to-start", "to-complete", "to-produce"],
    filters: Query[ProjectQuery],
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """促签约, 促开工, 促竣工, 促投产: furthest past the planned date first."""
    filterset = selectors.work_list(user=request.user, kind=kind, params=_params(request))
    _check_filter(filterset)
    rows = selectors.decorated_slice(
        filterset.rows, filterset.book, offset, offset + limit, fields=ROW_FIELDS
    )
    page = {"items": rows_out(rows), "count": _count(filterset), "offset": offset, "limit": limit}
    return _json(page)


@router.get(
    "/oc4ids",
    auth=None,
    throttle=[AnonRateThrottle(settings.OPEN_DATA_RATE)],
    summary="Projects as an OC4IDS project package (open data, no log-in)",
)
def project_package(request, filters: Query[ProjectQuery], limit: int = Query(1000, ge=1, le=5000)):
    """The published projects (signed and later, with the fields the README documents),
    filtered like the list, up to ``limit``, newest first, as an OC4IDS 0.9 package. Open to
    the public without a key, at most ``OPEN_DATA_RATE`` requests per address."""
    filterset = selectors.published_list(params=_params(request))
    _check_filter(filterset)
    return open_data.project_package(
        projects=filterset.qs.order_by("-id")[:limit], uri=request.build_absolute_uri()
    )


@router.get("/{int:project_id}", response=ProjectOut, summary="One project")
def project_read(request, project_id: int):
    return _project(request, project_id)


@router.patch("/{int:project_id}", response=ProjectOut, summary="Change a project's fields")
def project_update(request, project_id: int, payload: ProjectPatch):
    """Send the ``version`` you read; if someone saved the project since, the answer is 409
    and nothing changes."""
    project = _project(request, project_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for key in ("name", "total_investment"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})
    services.project_update(
        actor=request.user,
        project=project,
        data=_references(request.user, data, project),
        expected_version=version,
    )
    return _project(request, project_id)


@router.get("/{int:project_id}/events", response=list[EventOut], summary="Stage timeline")
def event_list(request, project_id: int):
    project = _project(request, project_id)
    return project.events.select_related("recorded_by").order_by("effective_date", "id")


@router.post("/{int:project_id}/events", response={201: ProjectOut}, summary="Record a stage event")
def event_create(request, project_id: int, payload: EventIn):
    """``advance`` to ``stage`` on ``effective_date``; ``drop`` with the reason in ``note``;
    ``stall`` (reason in ``note``) or ``unstall``."""
    project = _project(request, project_id)
    if payload.kind == StageEvent.Kind.ADVANCE:
        if payload.stage is None:
            raise ValidationError({"stage": _("Say which stage the project reached.")})
        services.stage_advance(
            actor=request.user,
            project=project,
            to_stage=payload.stage,
            effective_date=payload.effective_date,
            note=payload.note,
            expected_version=payload.version,
        )
    elif payload.kind == StageEvent.Kind.DROP:
        if payload.effective_date is None:
            raise ValidationError({"effective_date": _("Enter the date.")})
        services.project_drop(
            actor=request.user,
            project=project,
            effective_date=payload.effective_date,
            reason=payload.note,
        )
    else:
        services.project_set_stalled(
            actor=request.user,
            project=project,
            stalled=payload.kind == StageEvent.Kind.STALL,
            reason=payload.note,
            effective_date=payload.effective_date,
        )
    return Status(201, _project(request, project_id))


@router.get("/{int:project_id}/progress", response=list[ProgressOut], summary="Monthly progress")
def progress_list(request, project_id: int):
    """Each month's report with the running total, computed by a window function."""
    project = _project(request, project_id)
    return selectors.project_progress(project=project)


@router.post(
    "/{int:project_id}/progress", response={201: ProgressOut}, summary="Report a month's progress"
)
def progress_create(request, project_id: int, payload: ProgressIn):
    project = _project(request, project_id)
    report = services.progress_report_submit(actor=request.user, project=project, **payload.dict())
    # The new month with its running total: the reports up to it, the last one.
    row = selectors.project_progress(project=project).filter(period__lte=report.period).last()
    return Status(201, row)
