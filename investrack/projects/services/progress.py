"""Monthly progress reports of started projects."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.projects.models import (
    ProgressReport,
    Project,
)
from investrack.projects.rules import (
    progress_refusal,
)
from investrack.projects.services.common import check_editor_may_place, today
from investrack.projects.write import current_write, writes_project

# --- monthly progress --------------------------------------------------------------------


@writes_project
def progress_report_submit(
    *,
    actor: User,
    project: Project,
    period: datetime.date,
    investment_completed: Decimal,
    construction_progress: int,
    foreign_investment_arrived: Decimal | None = None,
    note: str = "",
) -> ProgressReport:
    """Report a month's progress of a started project. One report per project and month."""
    check_editor_may_place(actor, region=project.region, park=project.park)
    period = period.replace(day=1)
    refusal = progress_refusal(project, period, now=today())
    if refusal:
        raise ValidationError({"period": refusal})
    if ProgressReport.objects.filter(project=project, period=period).exists():
        raise ValidationError({"period": _("This month has already been reported.")})
    report = ProgressReport(
        project=project,
        period=period,
        investment_completed=investment_completed,
        construction_progress=construction_progress,
        foreign_investment_arrived=foreign_investment_arrived,
        note=note,
        reported_by=actor,
    )
    report.full_clean()
    report.save()
    current_write().reports_added([report])
    return report
