"""Investors (客商) named on projects.

Forms, sheets and API calls name an investor; the project services resolve the name
(found, or created on first mention) inside their own write, so a refused write leaves
no investor behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from investrack.projects.investor_keys import credit_code_clean
from investrack.projects.models import Investor, Origin


@dataclass(frozen=True)
class InvestorName:
    """An investor as a person names it; ``origin`` is used when it is new."""

    name: str
    origin: str = Origin.DOMESTIC
    credit_code: str = ""  # validated by the form; a code already known names its investor


def investor_for_name(*, name: str, origin: str, credit_code: str = "") -> Investor | None:
    """The investor of that name, created on first mention; None for no name.

    A credit code already known names its investor whatever the name typed (宁德时代 with
    the code of 宁德时代新能源科技股份有限公司 is that company); a new code is kept on the
    investor; a different one from the code kept is refused (a typing mistake, or another
    company: the bureau corrects the register)."""
    name = (name or "").strip()
    code = credit_code_clean(credit_code)
    if code:
        known = Investor.objects.filter(credit_code=code).order_by("pk").first()
        if known is not None:
            return known
    if not name:
        return None
    investor, _created = Investor.objects.get_or_create(
        name=name, defaults={"origin": origin, "credit_code": code}
    )
    if code and investor.credit_code != code:
        if investor.credit_code:
            raise ValidationError(
                {
                    "investor_credit_code": _(
                        "%(investor)s is registered with the code %(code)s; the city bureau "
                        "corrects the register."
                    )
                    % {"investor": investor.name, "code": investor.credit_code}
                }
            )
        investor.credit_code = code
        investor.save(update_fields=["credit_code", "name_key"])
    return investor


def with_investor(data: dict) -> dict:
    """``data`` with an investor named by :class:`InvestorName` resolved (call it inside
    the write, so that the investor is created in the same transaction as the project)."""
    named = data.get("investor")
    if not isinstance(named, InvestorName):
        return data
    investor = investor_for_name(
        name=named.name, origin=named.origin, credit_code=named.credit_code
    )
    return {**data, "investor": investor}
