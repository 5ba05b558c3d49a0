"""The API's errors as JSON naming the field: ``{"detail": [{"field", "message"}]}``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError


def install_error_handlers(api) -> None:
    def _detail(request, status: int, items: list[dict]):
        return api.create_response(request, {"detail": items}, status=status)

    def _service_items(exc: ValidationError) -> list[dict]:
        if hasattr(exc, "error_dict"):
            return [
                {"field": field if field != "__all__" else None, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        return [{"field": None, "message": message} for message in exc.messages]

    @api.exception_handler(ValidationError)
    def _invalid(request, exc):
        # Someone else saved the record since the client read it: 409, nothing changed.
        if getattr(exc, "code", None) == "concurrent_edit":
            return _detail(request, 409, [{"field": "version", "message": exc.messages[0]}])
        return _detail(request, 422, _service_items(exc))

    @api.exception_handler(SchemaError)
    def _schema_invalid(request, exc):
        items = []
        for error in exc.errors:
            location = [
                str(part) for part in error.get("loc", ()) if part not in ("body", "payload")
            ]
            items.append(
                {"field": ".".join(location[-1:]) or None, "message": error.get("msg", "")}
            )
        return _detail(request, 422, items)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return _detail(request, 403, [{"field": None, "message": str(exc) or _("Not allowed.")}])

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return _detail(
            request, 404, [{"field": None, "message": _("No such record in your jurisdiction.")}]
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return _detail(
            request,
            401,
            [
                {
                    "field": None,
                    "message": _("Log in, or send a personal key: Authorization: Bearer <key>."),
                }
            ],
        )
