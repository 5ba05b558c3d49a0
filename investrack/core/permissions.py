"""Jurisdiction: the one place that decides which projects a user may see and change.

Every read of projects (lists, counts, search, the project page, exports, the API)
starts from :func:`scope`; a record outside it is a 404, never a 403 that would
confirm it exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from investrack.regions.models import Park, Region


def _below(region_id) -> Q:
    """A region and every region under it (a city's counties; a province's cities and counties)."""
    return Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id)


def jurisdiction_filter(user, *, region_field: str = "region", park_field: str = "park") -> Q:
    """The condition on a model's region/park fields that keeps it inside the user's jurisdiction."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.park_id:
        return Q(**{f"{park_field}_id": user.park_id})
    if user.region_id:
        if user.region.level == Region.Level.COUNTY:
            return Q(**{f"{region_field}_id": user.region_id})
        # A city (or province) user sees every region below it.
        below = Region.objects.filter(_below(user.region_id)).values("pk")
        return Q(**{f"{region_field}_id__in": below})
    if user.is_superuser:
        return Q()
    return Q(pk__in=[])


def scope(user, queryset: QuerySet, **fields) -> QuerySet:
    """``queryset`` restricted to what ``user`` may see."""
    return queryset.filter(jurisdiction_filter(user, **fields))


def get_for_user_or_404(user, queryset: QuerySet, **lookup):
    try:
        return scope(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("No such record in your jurisdiction.")) from exc


def regions_for(user) -> QuerySet:
    """The regions a user may put a project in (county level and below the user's city)."""
    qs = Region.objects.filter(level=Region.Level.COUNTY)
    if not getattr(user, "is_authenticated", False):
        return qs  # the public filters open data by any county; it places no project
    if user.park_id:
        return qs.filter(pk=user.park.region_id)
    if user.region_id:
        if user.region.level == Region.Level.COUNTY:
            return qs.filter(pk=user.region_id)
        return qs.filter(_below(user.region_id))
    return qs if user.is_superuser else qs.none()


def parks_for(user) -> QuerySet:
    if getattr(user, "park_id", None):
        return Park.objects.filter(pk=user.park_id)
    return Park.objects.filter(region__in=regions_for(user))


def require_editor(user) -> None:
    if not user.can_edit_projects:
        raise PermissionDenied(_("Your role may look at projects but not change them."))


def user_may_place(user, *, region, park) -> bool:
    """Whether a project in ``region``/``park`` lies inside the user's jurisdiction."""
    if user.park_id:
        return park is not None and park.pk == user.park_id
    return regions_for(user).filter(pk=region.pk).exists()
