"""The main menu of each role, decided here and nowhere else (templates only draw it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from investrack.accounts.models import Role
from investrack.accounts.permissions import may_edit_projects
from investrack.core.addresses import reversed_once


@dataclass(frozen=True)
class Item:
    url: str
    label: str
    key: str  # a stable name for tests and styles


def main_menu(user) -> list[Item]:
    """What the role works with, in the order it works: departments start from their
    problems, leaders from their linked projects; only editors import."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[Item] = []

    def add(key, label, name, *args):
        items.append(Item(reversed_once(name, *args), label, key))

    if user.role == Role.DEPARTMENT_STAFF:
        add("problems", _("Problems"), "service:problems")
    if user.role == Role.LEADER:
        add("leader", _("My projects"), "service:leader")
    add("home", _("Overview"), "home")
    add("projects", _("Projects"), "projects:list")
    if user.role != Role.DEPARTMENT_STAFF:
        add("to-sign", _("To sign"), "projects:work_list", "to-sign")
        add("to-start", _("To start"), "projects:work_list", "to-start")
        add("to-complete", _("To complete"), "projects:work_list", "to-complete")
        add("to-produce", _("To production"), "projects:work_list", "to-produce")
        add("problems", _("Problems"), "service:problems")
    add("dashboard", _("Dashboard"), "insights:dashboard")
    add("map", _("Map"), "insights:map")
    add("race", _("Horse race"), "insights:race")
    if user.role != Role.DEPARTMENT_STAFF:
        add("events", _("Events"), "promotion:events")
    if user.can_edit_projects:
        add("conflicts", _("Conflicting leads"), "promotion:conflicts")
        add("import", _("Import"), "projects:imports")
    if user.is_staff:
        add("admin", _("Back office"), "admin:index")
    return items


def menu(request) -> dict:
    """Context processor: the menu of the user making the request (and whether single
    sign-on is offered on the log-in page)."""
    from django.conf import settings

    return {
        "main_menu": main_menu(getattr(request, "user", None)),
        "may_edit_projects": may_edit_projects(getattr(request, "user", None)),
        "oidc_enabled": settings.OIDC_ENABLED,
    }
