"""The user's own page: who they are, their jurisdiction, their API keys."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from investrack.accounts import services
from investrack.accounts.forms import ApiTokenForm
from investrack.accounts.models import ApiToken
from investrack.core.forms import add_service_error


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        services.api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The key was revoked: it no longer opens the API."))
    return redirect("accounts:profile")


@login_required
@require_POST
def log_out_everywhere(request):
    """End every session of the user, on every computer and phone (this one too)."""
    services.sessions_end_all(user=request.user)
    logout(request)
    messages.success(request, _("You were logged out everywhere. Log in again here."))
    return redirect("login")
