from django.db import migrations


def load(apps, schema_editor):
    from credit.defaults import CHECK_PURPOSES, V1

    Standard = apps.get_model("credit", "Standard")
    Criterion = apps.get_model("credit", "Criterion")
    RecordType = apps.get_model("credit", "RecordType")
    CheckPurpose = apps.get_model("credit", "CheckPurpose")
    if not Standard.objects.filter(version=1).exists():
        t = V1["thresholds"]
        std = Standard.objects.create(
            version=1, name=V1["name"], effective_from=V1["effective_from"], record_valid_days=V1["record_valid_days"],
            notice_days=V1["notice_days"], household_rule=V1["household_rule"],
            aaa_min=t["aaa"], aa_min=t["aa"], a_min=t["a"], b_min=t["b"])
        for c in V1["criteria"]:
            crit = Criterion.objects.create(standard=std, code=c["code"], name=c["name"], base=c["base"],
                                            floor=c["floor"], ceiling=c["ceiling"])
            for rt in c["record_types"]:
                RecordType.objects.create(criterion=crit, name=rt["name"], points=rt["points"])
    for code, name, grade in CHECK_PURPOSES:
        CheckPurpose.objects.get_or_create(code=code, defaults={"name": name, "min_grade": grade})


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
