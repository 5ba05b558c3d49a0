# Light changes carry the record clock too. A change recorded before this migration was
# recorded by the daily job or a write on its day: its moment is taken as the end of that day.

import datetime

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def date_recorded(apps, schema_editor):
    LightChange = apps.get_model("service", "LightChange")
    days = LightChange.objects.values_list("on", flat=True).distinct()
    for day in list(days):
        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
        LightChange.objects.filter(on=day).update(recorded_at=end)


class Migration(migrations.Migration):

    dependencies = [
        ('service', '0005_group_robots'),
    ]

    operations = [
        migrations.AddField(
            model_name='lightchange',
            name='recorded_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at'),
        ),
        migrations.RunPython(date_recorded, migrations.RunPython.noop),
    ]
