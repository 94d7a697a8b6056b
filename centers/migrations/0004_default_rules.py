"""The county's default rules (editable in the admin): waiting times between development stages,
the 两考一评 star thresholds and the 头雁工程 measures."""
from django.db import migrations

STAGE_RULES = [
    ("activist", 30, "递交入党申请书后，党组织一个月内派人谈话，经推荐和考察确定为入党积极分子"),
    ("target", 365, "入党积极分子经过一年以上培养教育和考察"),
    ("probationary", 30, "发展对象经政治审查、集中培训、公示后，由支部大会讨论接收为预备党员"),
    ("full", 365, "预备党员的预备期为一年"),
]
STAR_RULES = [(1, 0, 0), (2, 60, 60), (3, 70, 70), (4, 80, 80), (5, 90, 90)]
MEASURES = ["选优配强村党组织书记", "书记学历提升", "参加县级以上示范培训", "领办合作社或产业项目",
            "结对帮带后备干部", "年度述职评议"]


def add(apps, schema_editor):
    StageRule = apps.get_model("centers", "StageRule")
    StarRule = apps.get_model("centers", "StarRule")
    Measure = apps.get_model("centers", "LeadGooseMeasure")
    for stage, days, basis in STAGE_RULES:
        StageRule.objects.get_or_create(to_stage=stage, defaults={"min_days": days, "basis": basis})
    for stars, exam, evaluation in STAR_RULES:
        StarRule.objects.get_or_create(stars=stars, defaults={"min_exam_average": exam, "min_evaluation": evaluation})
    for i, name in enumerate(MEASURES, start=1):
        Measure.objects.get_or_create(name=name, defaults={"order": i})


class Migration(migrations.Migration):
    dependencies = [("centers", "0003_leadgoosemeasure_trainingrequirement_cluster_and_more")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
