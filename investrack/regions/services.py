"""Writes of targets and horse-race weights: by the city administrator, audited, and never
over a change someone else saved meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.accounts.permissions import may_set_targets
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.regions.models import (
    Indicator,
    Park,
    RaceWeight,
    Region,
    Target,
    TargetRecord,
)


def _require(user: User) -> None:
    if not may_set_targets(user):
        raise PermissionDenied(_("Only the city administrator sets targets and weights."))


@dataclass(frozen=True)
class TargetCell:
    """One cell of the target grid: a county or a park, and an indicator."""

    unit: Region | Park
    indicator: str

    @property
    def lookup(self) -> dict:
        column = "park" if isinstance(self.unit, Park) else "region"
        return {column: self.unit, "indicator": self.indicator}

    def describe(self) -> str:
        return f"{self.unit.name} · {Indicator(self.indicator).label}"


def _check_expected(current: object, expected: object, cell: TargetCell) -> None:
    if current != expected:
        raise ValidationError(
            _(
                "Someone changed the target “%(cell)s” after you opened the page (it is now "
                "%(now)s). Nothing was saved; reload the page and enter your change again."
            )
            % {"cell": cell.describe(), "now": "—" if current is None else audit.plain(current)},
            code="concurrent_edit",
        )


@transaction.atomic
def targets_set(*, actor: User, year: int, changes: dict, expected: dict | None = None) -> int:
    """Set (or, with None, clear) the targets of ``year``: ``{TargetCell: value}``.

    ``expected`` holds the values the user saw (``{TargetCell: value}``); a cell changed
    meanwhile refuses the whole save. Each change is audited. Returns the cells changed.
    """
    _require(actor)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    changed = 0
    for cell, value in changes.items():
        if value is not None and value < 0:
            raise ValidationError(
                _("%(cell)s: a target cannot be negative.") % {"cell": cell.describe()}
            )
        target = (
            Target.objects.select_for_update()
            .filter(year=year, **cell.lookup)
            .order_by("pk")
            .first()
        )
        current = target.value if target else None
        if expected is not None and cell in expected:
            _check_expected(current, expected[cell], cell)
        if current == value:
            continue
        changed += 1
        # The record clock of the targets: every value, when it was set.
        TargetRecord.objects.create(year=year, value=value, recorded_by=actor, **cell.lookup)
        if target is None:
            target = Target.objects.create(year=year, value=value, **cell.lookup)
            action = AuditEntry.Action.CREATE
        elif value is None:
            audit.record(
                actor=actor,
                instance=target,
                action=AuditEntry.Action.UPDATE,
                changes={"value": [audit.plain(current), None]},
            )
            target.delete()
            continue
        else:
            target.value = value
            target.save(update_fields=["value", "updated_at"])
            action = AuditEntry.Action.UPDATE
        audit.record(
            actor=actor,
            instance=target,
            action=action,
            changes={"value": [audit.plain(current), audit.plain(value)]},
        )
    return changed


@transaction.atomic
def race_weights_set(*, actor: User, year: int, weights: dict[str, Decimal | None]) -> int:
    """Which indicators count in ``year``'s horse race and their weights (None: not counted)."""
    _require(actor)
    changed = 0
    for indicator, weight in weights.items():
        Indicator(indicator)  # an unknown indicator is a programming error
        row = RaceWeight.objects.select_for_update().filter(year=year, indicator=indicator).first()
        current = row.weight if row else None
        if weight is not None and weight <= 0:
            weight = None
        if current == weight:
            continue
        changed += 1
        if row is None:  # a new weight (current is None, so weight is not)
            row = RaceWeight.objects.create(year=year, indicator=indicator, weight=weight or 0)
        elif weight is None:
            audit.record(
                actor=actor,
                instance=row,
                action=AuditEntry.Action.UPDATE,
                changes={"weight": [audit.plain(current), None]},
            )
            row.delete()
            continue
        else:
            row.weight = weight
            row.save(update_fields=["weight"])
        audit.record(
            actor=actor,
            instance=row,
            action=AuditEntry.Action.UPDATE if current is not None else AuditEntry.Action.CREATE,
            changes={"weight": [audit.plain(current), audit.plain(weight)]},
        )
    return changed
