"""The county's default work categories, each owned by one center kind (editable afterwards)."""
from django.db import migrations

DEFAULTS = [
    ("party_service", "党员服务", "party_mass_service"),
    ("volunteer_service", "志愿服务", "party_mass_service"),
    ("mass_request", "群众诉求", "party_mass_service"),
    ("road_repair", "道路维修", "construction_development"),
    ("street_lights", "路灯照明", "construction_development"),
    ("water_irrigation", "农田水利", "construction_development"),
    ("environment", "环境整治", "construction_development"),
    ("industry", "产业发展", "construction_development"),
    ("social_insurance", "社保医保", "social_affairs"),
    ("assistance", "救助帮扶", "social_affairs"),
    ("elderly_care", "养老服务", "social_affairs"),
    ("education_culture", "教育文化", "social_affairs"),
    ("dispute_mediation", "矛盾调解", "law_based_governance"),
    ("public_safety", "治安隐患", "law_based_governance"),
    ("legal_aid", "法律援助", "law_based_governance"),
    ("petition", "信访事项", "law_based_governance"),
]


def add(apps, schema_editor):
    WorkCategory = apps.get_model("centers", "WorkCategory")
    for code, name, kind in DEFAULTS:
        WorkCategory.objects.get_or_create(code=code, defaults={"name": name, "center_kind": kind})


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
