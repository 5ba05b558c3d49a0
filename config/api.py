"""The REST API under /api/v1/: django-ninja, its OpenAPI schema and docs served locally.

Auth is the browser session (with CSRF on writes) or a personal key sent as
``Authorization: Bearer itk_…``. Every read goes through the same jurisdiction scope as
the pages. Errors are JSON: ``{"detail": [{"field": ..., "message": ...}]}``.
"""

from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from investrack.accounts.services import user_for_api_key
from investrack.core.api import install_error_handlers
from investrack.insights.api import router as insights_router
from investrack.projects.api import router as projects_router
from investrack.regions.api import router as regions_router


class PersonalKey(HttpBearer):
    """``Authorization: Bearer <key>`` with a key made on the user's profile page."""

    def authenticate(self, request, token):
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="investrack API",
    version="1.0.0",
    description=(
        "Projects, stage events, monthly progress, the working lists, regions and industries "
        "of investrack, within the jurisdiction of the user the key or session belongs to. "
        "Amounts are in yuan (元) as decimal strings; dates are ISO 8601."
    ),
    auth=[PersonalKey(), django_auth],
    urls_namespace="api-1.0.0",
)
api.add_router("/projects", projects_router)
api.add_router("/", regions_router)
api.add_router("/insights", insights_router)


install_error_handlers(api)
