"""Investors (客商) named on projects.

Forms, sheets and API calls name an investor; the project services resolve the name
(found, or created on first mention) inside their own write, so a refused write leaves
no investor behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from investrack.projects.models import Investor, Origin


@dataclass(frozen=True)
class InvestorName:
    """An investor as a person names it; ``origin`` is used when it is new."""

    name: str
    origin: str = Origin.DOMESTIC


def investor_for_name(*, name: str, origin: str) -> Investor | None:
    """The investor of that name, created on first mention; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    investor, _created = Investor.objects.get_or_create(name=name, defaults={"origin": origin})
    return investor


def with_investor(data: dict) -> dict:
    """``data`` with an investor named by :class:`InvestorName` resolved (call it inside
    the write, so that the investor is created in the same transaction as the project)."""
    named = data.get("investor")
    if not isinstance(named, InvestorName):
        return data
    return {**data, "investor": investor_for_name(name=named.name, origin=named.origin)}
