from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("区域与人员")

    def ready(self):
        from . import navigation as nav
        from .scoping import COUNTY, MANAGERS, STAFF_ROLES, Role

        g = _("区域与人员")
        nav.register(_("区域"), "region_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g, order=10)
        nav.register(_("户"), "household_list", roles=STAFF_ROLES, group=g, order=11)
        nav.register(_("居民"), "resident_list", roles=STAFF_ROLES, group=g, order=12)
        nav.register(_("角色任命"), "role_assignment_list", roles=MANAGERS | {Role.SECURITY_ADMIN}, group=g, order=13)
        nav.register(_("账号管理"), "account_list", roles=COUNTY | {Role.TOWNSHIP_HEAD, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
                     group=g, order=15)
        nav.register(_("批量导入居民"), "import_upload", roles=MANAGERS | {Role.VILLAGE_ASSISTANT}, group=g, order=14,
                     kind="residents")
        nav.register(_("批量导入干部账号"), "import_upload", roles=COUNTY | {Role.TOWNSHIP_HEAD}, group=g, order=16,
                     kind="cadres")
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("imports")  # each app's imports.py registers its importers (the residents' is ours)
        nav.register(_("审计日志"), "audit_list", roles=COUNTY | {Role.TOWNSHIP_HEAD, Role.AUDIT_ADMIN}, group=g,
                     order=90)
        nav.register(_("数据看板"), "dashboard", roles=MANAGERS, group=_("数据看板"), order=1)
        self.register_exports()
        self.register_dashboard()
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_must_change_password

        user_logged_in.connect(mark_must_change_password, dispatch_uid="governance.must_change_password")
        # exports and imports whose worker died fail within minutes; expired files are deleted
        settings.CELERY_BEAT_SCHEDULE["jobs-sweep"] = {"task": "governance.tasks.sweep_jobs", "schedule": 60.0}
        # the audit log's hash chain: entries written by set-based SQL are sealed within a minute; daily purge
        settings.CELERY_BEAT_SCHEDULE["audit-seal"] = {"task": "governance.tasks.audit_seal", "schedule": 60.0}
        settings.CELERY_BEAT_SCHEDULE["audit-purge"] = {"task": "governance.tasks.audit_purge", "schedule": 86400.0}
        settings.CELERY_BEAT_SCHEDULE["role-terms-close"] = {"task": "governance.tasks.role_terms_close",
                                                             "schedule": 3600.0}

    def register_dashboard(self):
        from django.db.models import Count, Q

        from . import dashboard as d
        from .models import Household, Resident
        from .scoping import MANAGERS

        def people(c: d.Context):
            residents = d.rows_by_child(
                c.group(c.scoped(Resident), "region__path"),
                residents=Count("id"), party=Count("id", filter=Q(is_party_member=True)),
                away=Count("id", filter=Q(status=Resident.Status.AWAY)),
            )
            for v in residents.values():
                v["away_share"] = v["away"] / v["residents"] if v["residents"] else 0
            households = d.rows_by_child(c.group(c.scoped(Household), "region__path"), households=Count("id"))
            return d.merge(residents, households)

        d.register(d.Section(
            key="people", title=_("人口与党员"), order=10, roles=MANAGERS, compute=people,
            metrics=(
                d.Metric("households", _("户数"), list_url="household_list"),
                d.Metric("residents", _("居民数"), list_url="resident_list", chart=True),
                d.Metric("party", _("党员数"), list_url="resident_list", list_params="is_party_member=true"),
                d.Metric("away", _("外出人数"), list_url="resident_list", list_params="status=away"),
                d.Metric("away_share", _("外出占比"), fmt="pct"),
            ),
        ))

    def register_exports(self):
        from . import exports, selectors
        from .exports import Column, Export
        from .filtersets import AuditEntryFilterSet, HouseholdFilterSet, ResidentFilterSet
        from .models import Region, Resident, age_on
        from .places import ancestor_name
        from .scoping import COUNTY, STAFF_ROLES, Role

        def place_columns(region_field: str = "region"):
            """乡镇 and 村 beside the region itself: a county-wide file must say where each row is."""
            return (Column(_("乡镇（街道）"), "township_name", width=12,
                           expression=lambda: ancestor_name(region_field, Region.Level.TOWNSHIP)),
                    Column(_("村（社区）"), "village_name", width=12,
                           expression=lambda: ancestor_name(region_field, Region.Level.VILLAGE)))

        yes_no = {True: _("是"), False: _("否")}
        exports.register(Export(
            key="residents", title=_("居民"), selector=selectors.resident_list, filterset_class=ResidentFilterSet,
            roles=STAFF_ROLES,
            columns=(
                Column(_("姓名"), "name", width=10), Column(_("身份证号"), "id_masked", width=22),
                Column(_("性别"), "gender", dict(Resident.Gender.choices), width=6),
                Column(_("年龄"), "birth_date", age_on, width=6), Column(_("手机号"), "phone_masked", width=14),
                Column(_("户号"), "household__number"), Column(_("与户主关系"), "relation_to_head", width=10),
                *place_columns(), Column(_("所属区域"), "region__name", width=18), Column(_("统计代码"), "region__code", width=20),
                Column(_("居住状态"), "status", dict(Resident.Status.choices), width=8),
                Column(_("现居地（外出）"), "away_location", width=18),
                Column(_("党员"), "is_party_member", yes_no, width=6),
            ),
        ))
        exports.register(Export(
            key="audit", title=_("审计日志"), selector=selectors.audit_list, filterset_class=AuditEntryFilterSet,
            roles=COUNTY | {Role.TOWNSHIP_HEAD, Role.AUDIT_ADMIN},
            columns=(
                Column(_("链序号"), "seq", width=10), Column(_("时间"), "at", width=20),
                Column(_("操作人"), "actor__username", width=16), Column(_("操作"), "action", width=24),
                Column(_("对象"), "object_repr", width=30), Column(_("区域"), "region__name", width=14),
                Column(_("原状态"), "from_state", width=12), Column(_("新状态"), "to_state", width=12),
                Column(_("原因"), "reason", width=30), Column(_("哈希"), "hash", width=66),
            ),
        ))
        exports.register(Export(
            key="households", title=_("户"), selector=selectors.household_list, filterset_class=HouseholdFilterSet,
            roles=STAFF_ROLES,
            columns=(
                Column(_("户号"), "number"), Column(_("住址"), "address", width=24), Column(_("户主"), "head__name", width=10),
                *place_columns(), Column(_("所属区域"), "region__name", width=18), Column(_("统计代码"), "region__code", width=20),
            ),
        ))
