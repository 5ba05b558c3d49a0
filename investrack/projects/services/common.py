"""What every project write shares: the editable fields, the jurisdiction check, the
locked row and its version."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.accounts.permissions import require_editor, user_may_place
from investrack.projects.models import (
    Project,
)
from investrack.projects.write import current_write
from investrack.regions.models import Park, Region

# The fields a user edits on the project form; everything else is kept by the services.
EDITABLE_FIELDS = [
    "name",
    "code",
    "national_code",
    "investor",
    "category",
    "industry",
    "chain_link",
    "region",
    "park",
    "total_investment",
    "foreign_investment",
    "foreign_currency",
    "land_area",
    "expected_annual_output",
    "expected_annual_tax",
    "source_channel",
    "description",
    "longitude",
    "latitude",
    "planned_sign_date",
    "planned_start_date",
    "planned_completion_date",
    "planned_production_date",
    "phase_of",
    "phase_label",
    "responsible_person",
    "lead_department",
]
M2M_FIELDS = ["tags", "linked_leaders"]
FOREIGN_KEYS = {
    f.name for f in Project._meta.concrete_fields if f.is_relation and f.name in EDITABLE_FIELDS
}
AUDITED_FIELDS = EDITABLE_FIELDS + M2M_FIELDS


class ConcurrentEditError(ValidationError):
    """Somebody else saved the project after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this project after you opened it. Your changes were not "
                "saved: look at the current version, then apply your changes again."
            ),
            code="concurrent_edit",
        )


def today() -> datetime.date:
    return timezone.localdate()


# --- jurisdiction and rules shared by every write -----------------------------------------


def check_editor_may_place(actor: User, *, region: Region | None, park: Park | None) -> None:
    require_editor(actor)
    if region is None:
        raise ValidationError({"region": _("Choose the region of the project.")})
    if park is not None and park.region_id != region.pk:
        raise ValidationError(
            {
                "park": _("The park %(park)s is not in %(region)s.")
                % {"park": park, "region": region}
            }
        )
    if not user_may_place(actor, region=region, park=park):
        raise PermissionDenied(_("This region or park is outside your jurisdiction."))


def locked_row(project: Project) -> Project:
    """The project as the write hook locked it (its row is held until the transaction ends)."""
    return current_write().locked[project.pk]


def check_version(locked: Project, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != locked.version:
        raise ConcurrentEditError()
