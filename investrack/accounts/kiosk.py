"""The command room's kiosk log-in (``User.screen_only``): whatever address it asks for, it
is shown the big screen; only the screen's own addresses, logging out and the static files
are served to it. A browser left open in the command room cannot be walked to the lists."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

# URL names the big screen needs (its page, its refresh, the map it draws) and logging out.
SCREEN_URLS = ("insights:screen", "insights:map_outline", "insights:map_points", "logout")


class ScreenOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: set[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.screen_only:
            if self._allowed is None:
                self._allowed = {reverse(name) for name in SCREEN_URLS}
            if request.path not in self._allowed:
                return redirect("insights:screen")
        return self.get_response(request)
