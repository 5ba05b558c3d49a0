"""Monthly progress reports of started projects."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.core.photos import SitePhoto, site_photo
from investrack.projects.models import (
    ProgressPhoto,
    ProgressReport,
    Project,
)
from investrack.projects.rules import (
    progress_refusal,
)
from investrack.projects.services.common import check_editor_may_place, today
from investrack.projects.write import current_write, writes_project

MAX_PHOTOS = 9

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
    photos: Iterable = (),
) -> ProgressReport:
    """Report a month's progress of a started project. One report per project and month;
    with up to nine photos of the site (each read and made smaller before anything is
    written: a file that is not a photo refuses the report)."""
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
    ready = _site_photos(photos)
    report.full_clean()
    report.save()
    for upload, photo in ready:
        _keep_photo(report, upload.name, photo)
    current_write().reports_added([report])
    return report


def _site_photos(photos: Iterable) -> list[tuple]:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)s photos with a report.") % {"n": MAX_PHOTOS}}
        )
    ready = []
    for upload in photos:
        try:
            ready.append((upload, site_photo(upload)))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return ready


def _keep_photo(report: ProgressReport, name: str, photo: SitePhoto) -> None:
    taken = photo.taken_at
    if taken is not None and timezone.is_naive(taken):
        taken = timezone.make_aware(taken)  # the camera's clock: local time
    stem = f"{report.pk}-{timezone.now():%H%M%S%f}"
    kept = ProgressPhoto(
        report=report,
        original_name=name[:255],
        taken_at=taken,
        width=photo.width,
        height=photo.height,
    )
    kept.image.save(f"{stem}.jpg", ContentFile(photo.image), save=False)
    kept.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    kept.save()
