"""Regions (GB/T 2260) and industries (GB/T 4754) for API clients."""

from django.db.models import Q
from ninja import Field, Router, Schema

from investrack.accounts.permissions import parks_for, regions_for
from investrack.regions.models import Industry

router = Router(tags=["reference"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = Field(None, alias="parent.code")


class ParkOut(Schema):
    code: str
    name: str
    level: str
    region: str = Field(..., alias="region.code")


class IndustryOut(Schema):
    code: str
    name: str
    level: int
    section: str
    parent: str | None = Field(None, alias="parent.code")


@router.get("/regions", response=list[RegionOut], summary="Counties and districts you may use")
def region_list(request):
    return regions_for(request.user).select_related("parent")


@router.get("/parks", response=list[ParkOut], summary="Parks you may use")
def park_list(request):
    return parks_for(request.user).select_related("region")


@router.get("/industries", response=list[IndustryOut], summary="GB/T 4754-2017 industries")
def industry_list(request, level: int | None = None, parent: str | None = None, q: str = ""):
    """Filter by ``level`` (1 section … 4 class), ``parent`` code or a name/code fragment."""
    qs = Industry.objects.select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent.upper())
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(code__startswith=q.strip().upper()))
    return qs[:2000]
