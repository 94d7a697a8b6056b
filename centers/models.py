"""The four centers of every township, work categories and center work items, co-building units.

Other apps route into these: grids escalates an issue into a township's WorkItem, services
dispatches orders to a Unit. Keep `work_item_create` and these fields stable for them.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Region
from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, RestrictedManager, Role, ScopeSpec


class CenterKind(models.TextChoices):
    PARTY_MASS_SERVICE = "party_mass_service", _("党群服务中心")
    CONSTRUCTION_DEVELOPMENT = "construction_development", _("建设发展中心")
    SOCIAL_AFFAIRS = "social_affairs", _("社会事务中心")
    LAW_BASED_GOVERNANCE = "law_based_governance", _("依法治理中心")


class Center(models.Model):
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="centers", verbose_name=_("乡镇/街道"))
    kind = models.CharField(_("中心"), max_length=32, choices=CenterKind.choices)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": STAFF_ROLES, "change": COUNTY | {Role.TOWNSHIP_HEAD}})

    class Meta:
        verbose_name = _("中心")
        verbose_name_plural = _("四大中心")
        ordering = ["township__path", "kind"]
        constraints = [
            # Exactly the four kinds, once each per township: a fifth center cannot exist.
            models.UniqueConstraint(fields=["township", "kind"], name="center_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=CenterKind.values), name="center_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.township.name}{self.get_kind_display()}"


class WorkCategory(models.Model):
    """A kind of work (e.g. 道路维修, 矛盾调解); each belongs to exactly one center kind. County-configured."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    center_kind = models.CharField(_("所属中心"), max_length=32, choices=CenterKind.choices)
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": frozenset(Role.values), "change": COUNTY, "add": COUNTY})

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")
        ordering = ["center_kind", "name"]

    def __str__(self) -> str:
        return self.name


class WorkItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        IN_PROGRESS = "in_progress", _("办理中")
        DONE = "done", _("已办结")

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("乡镇/街道"))
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("承办中心"))
    category = models.ForeignKey(WorkCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别"))
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("办理时限"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="center_work_items", verbose_name=_("承办人"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Where the work came from (an escalated issue, a resolution …), as a generic link.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": COUNTY | TOWNSHIP, "change": COUNTY | TOWNSHIP},
                           owner="assignee", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("中心事项")
        verbose_name_plural = _("中心事项")
        ordering = ["status", "deadline", "id"]
        indexes = [
            models.Index(fields=["township", "status", "deadline"], name="workitem_queue"),
            models.Index(fields=["source_type", "source_id"], name="workitem_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_region(self):
        return self.township


class Unit(models.Model):
    """A co-building unit (共驻共建单位): an agency, state firm, private firm or social organisation."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("机关单位")
        STATE_FIRM = "state_firm", _("国有企业")
        PRIVATE_FIRM = "private_firm", _("非公企业")
        SOCIAL_ORG = "social_org", _("社会组织")
        FINANCIAL = "financial", _("金融机构")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("所在区域"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("工作人员"))
    active = models.BooleanField(_("在册"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": MANAGERS, "add": MANAGERS},
                           owner="staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
