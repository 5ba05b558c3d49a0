"""A backup of a demo city restores it whole: wiped, then restored, every project, event,
file and figure is as it was."""

import hashlib

import pytest
from django.core.management import call_command
from django.db.models import Sum

from investrack.core.backup import backups
from investrack.core.models import JobRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def state():
    """What officials would compare: rows, figures and the bytes of every file."""
    from investrack.closed_loop.models import Problem
    from investrack.projects.models import EvidenceFile, Project, StageEvent, StageTotal

    files = {
        e.pk: hashlib.sha256(e.file.open("rb").read()).hexdigest()
        for e in EvidenceFile.objects.all()
    }
    return {
        "projects": list(
            Project.objects.order_by("pk").values_list(
                "pk", "code", "name", "stage", "total_investment", "signed_on", "version"
            )
        ),
        "events": StageEvent.objects.count(),
        "problems": list(Problem.objects.order_by("pk").values_list("pk", "status", "deadline")),
        "totals": StageTotal.objects.aggregate(n=Sum("projects"), amount=Sum("investment")),
        "files": files,
    }


def test_backup_wipe_restore(tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from investrack.demo_city.load import seed_demo
    from investrack.projects.models import EvidenceFile, StageEvent

    seed_demo(projects=40, seed=7, as_of=timezone.localdate())
    event = StageEvent.objects.order_by("pk").first()
    EvidenceFile.objects.create(
        event=event,
        file=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 signed"),
        original_name="合同.pdf",
    )
    before = state()
    assert before["projects"] and before["files"]
    call_command("backup", dir=str(tmp_path), keep=2)
    call_command("backup", dir=str(tmp_path), keep=2)
    call_command("backup", dir=str(tmp_path), keep=2)
    folders = backups(tmp_path)
    assert len(folders) == 2  # rotated
    assert JobRun.objects.filter(name="backup", ok=True).count() == 3

    call_command("flush", "--no-input")
    for path in (settings.MEDIA_ROOT,):
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    assert state()["projects"] == []

    call_command("restore", str(folders[-1]), yes=True)
    assert state() == before
