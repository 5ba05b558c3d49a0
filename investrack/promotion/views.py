"""The conflict queue (撞单仲裁). Thin: a selector to read, a service to decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from investrack.accounts.permissions import is_bureau
from investrack.core.forms import add_service_error
from investrack.promotion import services
from investrack.promotion.conflicts import lead_conflicts
from investrack.promotion.forms import LeadDecisionForm


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
