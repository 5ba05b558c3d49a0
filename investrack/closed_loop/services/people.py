"""Who is told and who handles: a department's staff, the city bureau, linked leaders."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import Role, User
from investrack.closed_loop.models import (
    Problem,
)
from investrack.projects.models import Project

MAX_WORKING_DAYS = 60


class StaleRecordError(ValidationError):
    """Someone else changed the problem or approval item after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else acted on this after you opened it. Nothing was saved: look at "
                "its current state, then try again."
            ),
            code="concurrent_edit",
        )


def today() -> datetime.date:
    return timezone.localdate()


def department_users(department_id: int | None) -> QuerySet[User]:
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(
        department_id=department_id, role=Role.DEPARTMENT_STAFF, is_active=True
    )


def bureau_users(project: Project) -> QuerySet[User]:
    """The city bureau of the project's city: its administrators."""
    region = project.region
    return User.objects.filter(
        role=Role.CITY_ADMIN, is_active=True, region_id__in=[region.parent_id, region.pk]
    )


def leader_users(project: Project) -> QuerySet[User]:
    return User.objects.filter(person__linked_projects=project, is_active=True)


def handlers_of(problem: Problem) -> list[User | int]:
    """The assigned department's staff, and the person in charge's account (by id)."""
    users: list[User | int] = list(department_users(problem.department_id))
    if problem.assignee is not None and problem.assignee.user_id:
        users.append(problem.assignee.user_id)
    return users
