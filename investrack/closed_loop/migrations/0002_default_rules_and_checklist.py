"""Sensible defaults from the brief: the warning rules and the usual approval items.

Both stay editable in the back office; the approving departments are the city's own and
are set there."""

from django.db import migrations

# kind, yellow, red, stages
RULES = [
    ("signed_not_started", 180, 365, [3]),
    ("start_overdue", 1, 90, [3]),
    ("no_progress", 60, 90, [4]),
    ("completion_overdue", 1, 180, [4]),
    ("problem_overdue", 1, 10, [1, 2, 3, 4, 5, 6, 7]),
    ("low_intensity", 100, 80, [3, 4, 5, 6, 7]),
    ("low_tax", 100, 80, [3, 4, 5, 6, 7]),
]

# category ("" = every category), name, needed before stage
CHECKLIST = [
    ("", "立项备案/核准", 4),
    ("", "用地预审与选址意见书", 4),
    ("", "建设用地规划许可证", 4),
    ("", "建设工程规划许可证", 4),
    ("", "环境影响评价（环评）", 4),
    ("manufacturing", "节能审查（能评）", 4),
    ("infrastructure", "节能审查（能评）", 4),
    ("", "施工许可证", 4),
    ("", "竣工验收", 6),
    ("manufacturing", "排污许可", 6),
]


def load(apps, schema_editor):
    WarningRule = apps.get_model("service", "WarningRule")
    ApprovalTemplate = apps.get_model("service", "ApprovalTemplate")
    if not WarningRule.objects.exists():
        WarningRule.objects.bulk_create(
            WarningRule(kind=kind, yellow_at=yellow, red_at=red, stages=stages)
            for kind, yellow, red, stages in RULES
        )
    if not ApprovalTemplate.objects.exists():
        ApprovalTemplate.objects.bulk_create(
            ApprovalTemplate(category=category, name=name, needed_before=stage, order=i * 10)
            for i, (category, name, stage) in enumerate(CHECKLIST)
        )


class Migration(migrations.Migration):
    dependencies = [("service", "0001_closed_loop")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
