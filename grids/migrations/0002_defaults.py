"""The county's default SLAs (hours per level and severity) and one grid per existing group/compound."""
from django.db import migrations

DEFAULTS = {
    (1, "minor"): 72, (1, "hard"): 24, (1, "major"): 4,
    (2, "minor"): 72, (2, "hard"): 48, (2, "major"): 12,
    (3, "minor"): 120, (3, "hard"): 72, (3, "major"): 24,
    (4, "minor"): 240, (4, "hard"): 120, (4, "major"): 48,
}


def forwards(apps, schema_editor):
    SLA = apps.get_model("grids", "EscalationSLA")
    for (level, severity), hours in DEFAULTS.items():
        SLA.objects.get_or_create(level=level, severity=severity, defaults={"hours": hours})
    Region = apps.get_model("governance", "Region")
    Grid = apps.get_model("grids", "Grid")
    Grid.objects.bulk_create([Grid(region_id=pk) for pk in Region.objects.filter(level=4, grid__isnull=True)
                              .values_list("pk", flat=True)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
