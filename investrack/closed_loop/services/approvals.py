"""Approval checklists (代办): created from the templates, each item updated and audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from investrack.accounts.models import Person, User
from investrack.accounts.permissions import (
    may_update_approval,
    require_editor,
)
from investrack.closed_loop.models import (
    ApprovalItem,
    ApprovalTemplate,
)
from investrack.closed_loop.rules import approval_date_errors
from investrack.closed_loop.services.people import StaleRecordError, today
from investrack.core import audit
from investrack.core.models import AuditEntry
from investrack.projects.models import Project

# --- approval agency (代办) -------------------------------------------------------------

APPROVAL_FIELDS = ["status", "submitted_on", "approved_on", "agent", "note", "document_name"]


@transaction.atomic
def approval_checklist_create(*, actor: User, project: Project) -> int:
    """Add the approval items of the project's category from the templates; items already
    on the checklist are left as they are. Returns how many were added."""
    require_editor(actor)
    existing = set(project.approval_items.values_list("name", flat=True))
    templates = ApprovalTemplate.objects.filter(category__in=["", project.category])
    items = [t.item_for(project.pk) for t in templates if t.name not in existing]
    ApprovalItem.objects.bulk_create(items)
    for item in ApprovalItem.objects.filter(project=project, name__in=[i.name for i in items]):
        audit.record(
            actor=actor,
            instance=item,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff({}, audit.snapshot(item, ["name", "status"])),
        )
    return len(items)


@transaction.atomic
def approval_item_update(
    *,
    actor: User,
    item: ApprovalItem,
    status: str,
    submitted_on: datetime.date | None = None,
    approved_on: datetime.date | None = None,
    agent: Person | None = None,
    note: str = "",
    document: UploadedFile | None = None,
    version: int | None = None,
) -> ApprovalItem:
    item = ApprovalItem.objects.select_for_update().get(pk=item.pk)
    if not may_update_approval(actor, item):
        raise PermissionDenied(_("Your role may not change approval items."))
    if version is not None and int(version) != item.version:
        raise StaleRecordError()
    errors = approval_date_errors(
        status=status, submitted_on=submitted_on, approved_on=approved_on, today=today()
    )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item, APPROVAL_FIELDS)
    item.status = status
    item.submitted_on = submitted_on
    item.approved_on = approved_on
    item.agent = agent
    item.note = note.strip()
    if document is not None:
        item.document = document
        item.document_name = (document.name or "")[:255]
    changes = audit.diff(before, audit.snapshot(item, APPROVAL_FIELDS))
    if not changes and document is None:  # an unchanged form writes nothing
        return item
    item.version = F("version") + 1
    item.save()
    item.refresh_from_db()
    audit.record(actor=actor, instance=item, action=AuditEntry.Action.UPDATE, changes=changes)
    return item
