"""Ship the classifications with the project: GB/T 2260 regions and GB/T 4754-2017 industries."""

from django.db import migrations


def load(apps, schema_editor):
    from investrack.regions.reference_data import load_industries, load_regions

    load_regions(apps.get_model("regions", "Region"))
    load_industries(apps.get_model("regions", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
