"""The conflict queue (撞单仲裁). Thin: a selector to read, a service to decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.accounts.models import Role, User
from investrack.accounts.permissions import get_for_user_or_404, is_bureau, user_may_place
from investrack.core.forms import add_service_error
from investrack.projects.models import Project
from investrack.promotion import services
from investrack.promotion.conflicts import lead_conflicts
from investrack.promotion.forms import LeadDecisionForm, VisitForm


def _queue(request, *, failed=None, form=None, status=200):
    if not request.user.can_edit_projects:
        raise PermissionDenied(_("The conflict queue is for the investment staff and the bureau."))
    conflicts = lead_conflicts(request.user)
    context = {
        "conflicts": conflicts,
        "may_decide": is_bureau(request.user),
        "failed": failed,
        "form": form or LeadDecisionForm(),
    }
    return render(request, "promotion/conflicts.html", context, status=status)


@login_required
@require_safe
def conflicts(request):
    return _queue(request)


@login_required
@require_POST
def decide(request, first: int, second: int):
    if not is_bureau(request.user):
        raise PermissionDenied(_("Only the city bureau arbitrates conflicting leads."))
    form = LeadDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.lead_decide(
                actor=request.user,
                first_id=first,
                second_id=second,
                outcome=form.cleaned_data["outcome"],
                first_share=form.cleaned_data["first_share"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Decided; both sides are told."))
            return redirect("promotion:conflicts")
    return _queue(request, failed=f"{first}-{second}", form=form, status=422)


def _owners(project: Project):
    region = project.region
    return (
        User.objects.filter(is_active=True, role__in=[Role.COUNTY_STAFF, Role.CITY_ADMIN])
        .filter(
            Q(region=region)
            | Q(park__region=region)
            | Q(role=Role.CITY_ADMIN, region=region.parent)
        )
        .order_by("role", "full_name", "username")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visits(request, pk: int):
    """The story of the talks on one project, and (for its editors) a visit to log."""
    project = get_for_user_or_404(
        request.user, Project.objects.select_related("region", "park", "investor"), pk=pk
    )
    may_log = user_may_place(request.user, region=project.region, park=project.park) and (
        request.user.can_edit_projects and not project.is_dropped
    )
    form = VisitForm(request.POST or None, owners=_owners(project))
    status = 200
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied(_("Only the project's investment staff log its visits."))
        if form.is_valid():
            try:
                services.visit_record(actor=request.user, project=project, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Visit logged."))
                return redirect("promotion:visits", pk=project.pk)
        status = 422
    log = project.visits.select_related("next_owner", "recorded_by")
    context = {"project": project, "visits": log, "form": form, "may_log": may_log}
    return render(request, "promotion/visits.html", context, status=status)
