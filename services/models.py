"""Order-style services (清单—下单—派单—接单), double reporting, micro-works and funds, errands, volunteers.

Money is integer fen (分) everywhere; a fund's `allocated_fen`/`spent_fen` are kept in step under a row
lock and guarded by CHECK constraints, so the database itself refuses an overspent fund.
"""
from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit, WorkCategory
from governance.models import Region, Resident
from governance.scoping import (
    COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, RestrictedManager, Role, ScopeSpec,
)

ALL_ROLES = frozenset(Role.values)
UNIT = frozenset({Role.UNIT_STAFF})


def yuan(fen: int | None) -> str:
    fen = fen or 0
    return f"{fen // 100:,}.{fen % 100:02d}"


# --- 清单: the service menu -----------------------------------------------------------------------

class MenuItem(models.Model):
    """A service the township committee (大工委) lists; units that can provide it; a time limit per stage."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("可下单")
        WITHDRAWN = "withdrawn", _("已撤回")

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="menu_items", verbose_name=_("发布乡镇（街道）"))
    category = models.ForeignKey(WorkCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别"))
    code = models.SlugField(_("服务代码"), max_length=40, unique=True)
    title = models.CharField(_("服务名称"), max_length=100)
    description = models.TextField(_("服务内容"), blank=True)
    units = models.ManyToManyField(Unit, related_name="menu_items", verbose_name=_("可承接单位"))
    dispatch_hours = models.PositiveIntegerField(_("派单时限（小时）"), default=24)
    accept_hours = models.PositiveIntegerField(_("接单时限（小时）"), default=24)
    work_hours = models.PositiveIntegerField(_("办理时限（小时）"), default=120)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("发布人"))
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = RestrictedManager()
    # The menu is public to every signed-in role; who may publish or withdraw is re-checked by region.
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY | TOWNSHIP, "add": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("服务清单事项")
        verbose_name_plural = _("服务清单")
        ordering = ["township__path", "category__name", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(dispatch_hours__gt=0) & Q(accept_hours__gt=0) & Q(work_hours__gt=0),
                                   name="menuitem_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("services:order_place", args=[self.pk])


class Order(models.Model):
    """A resident's order of a menu item, moved through the chain by actions only (one history row each)."""

    carries_out_resolutions = True  # a 三村议事 resolution may link to it (the app opts in; deliberation names no app)

    class Status(models.TextChoices):
        PLACED = "placed", _("待派单")
        DISPATCHED = "dispatched", _("待接单")
        ACCEPTED = "accepted", _("办理中")
        COMPLETED = "completed", _("待确认")
        CONFIRMED = "confirmed", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("门户")
        GRID = "grid", _("网格员代下单")
        OPEN311 = "open311", _("Open311 接口")

    OPEN = (Status.PLACED, Status.DISPATCHED, Status.ACCEPTED, Status.COMPLETED)

    number = models.CharField(_("订单号"), max_length=20, unique=True)
    item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="orders", verbose_name=_("服务事项"))
    # The item as it was when ordered: withdrawing or editing it later does not change the order.
    item_title = models.CharField(_("服务名称"), max_length=100)
    item_description = models.TextField(_("服务内容"), blank=True)
    category_name = models.CharField(_("类别"), max_length=60)
    work_hours = models.PositiveIntegerField(_("办理时限（小时）"))
    accept_hours = models.PositiveIntegerField(_("接单时限（小时）"))
    dispatch_hours = models.PositiveIntegerField(_("派单时限（小时）"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_orders", verbose_name=_("所属区域"))
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="service_orders",
                                 verbose_name=_("下单群众"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="service_orders", verbose_name=_("下单人"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    note = models.TextField(_("需求说明"))
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # made on the phone when the order waits in its queue (governance.offline): a resend is the same order
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLACED)
    stage_deadline = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    # The deadline whose overdue reminder was sent (the reminder job runs twice, reminds once).
    reminded_deadline = models.DateTimeField(null=True, blank=True, editable=False)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="service_orders",
                             verbose_name=_("承接单位"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("接单人"))
    completion_note = models.TextField(_("办结说明"), blank=True)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": STAFF_ROLES | UNIT, "dispatch": MANAGERS | {Role.VILLAGE_ASSISTANT},
               "work": UNIT | COUNTY, "place": STAFF_ROLES},
        owner="placed_by", owner_actions=frozenset({"view", "confirm"}),
    )

    class Meta:
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "stage_deadline"], name="order_queue"),
            models.Index(fields=["unit", "status"], name="order_unit_inbox"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating_1_5"),
            models.CheckConstraint(condition=~Q(status__in=["dispatched", "accepted", "completed", "confirmed"])
                                   | Q(unit__isnull=False), name="order_dispatched_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_title}"

    def get_absolute_url(self) -> str:
        return reverse("services:order_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status in self.OPEN and self.stage_deadline is not None and self.stage_deadline < timezone.now()


class OrderEvent(models.Model):
    """One row per move of an order (the timeline the resident and the county see)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("订单"))
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Order.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="order__region", roles={"view": STAFF_ROLES | UNIT}, owner="order__placed_by",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("订单流转记录")
        verbose_name_plural = _("订单流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status}→{self.to_status}"


# --- 双报到 ---------------------------------------------------------------------------------------

class LinkageHeading(models.TextChoices):
    ORGANISATION = "organisation", _("组织联建")
    MEMBERS = "members", _("党员联管")
    VENUES = "venues", _("阵地联用")
    ACTIVITIES = "activities", _("活动联办")
    RESOURCES = "resources", _("资源联享")
    SERVICES = "services", _("服务联做")


class UnitReport(models.Model):
    """单位双报到: a co-building unit reports in to a community/village."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("共建单位"))
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="unit_reports", verbose_name=_("报到村（社区）"))
    reported_at = models.DateField(_("报到日期"), default=timezone.localdate)
    commitments = models.TextField(_("共建承诺"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("登记人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="community", roles={"view": STAFF_ROLES, "add": MANAGERS},
                           owner="unit__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("单位双报到")
        verbose_name_plural = _("单位双报到")
        ordering = ["-reported_at", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "community"], name="unitreport_once")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.community}"


class JointActivity(models.Model):
    """A joint activity of a unit and the community, under one of the 六联动 headings."""

    report = models.ForeignKey(UnitReport, on_delete=models.PROTECT, related_name="activities", verbose_name=_("报到记录"))
    heading = models.CharField(_("六联动"), max_length=16, choices=LinkageHeading.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    held_on = models.DateField(_("活动日期"))
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("登记人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="report__community", roles={"view": STAFF_ROLES},
                           owner="report__unit__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("六联动活动")
        verbose_name_plural = _("六联动活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class MemberReport(models.Model):
    """党员双报到: an in-service party member reports to the community they live in."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member_reports",
                               verbose_name=_("在职党员"))
    name = models.CharField(_("姓名"), max_length=50)
    workplace = models.CharField(_("工作单位"), max_length=100)
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="member_reports", verbose_name=_("报到村（社区）"))
    reported_at = models.DateField(_("报到日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="community", roles={"view": STAFF_ROLES, "add": MANAGERS},
                           owner="member", owner_actions=frozenset({"view", "log"}))

    class Meta:
        verbose_name = _("党员双报到")
        verbose_name_plural = _("党员双报到")
        ordering = ["community__path", "name"]
        constraints = [models.UniqueConstraint(fields=["member", "community"], name="memberreport_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.workplace}）"


class ServiceHour(models.Model):
    """双服务: hours a reported party member served in the community."""

    report = models.ForeignKey(MemberReport, on_delete=models.PROTECT, related_name="hours", verbose_name=_("报到记录"))
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    activity = models.CharField(_("服务内容"), max_length=200)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="report__community", roles={"view": STAFF_ROLES},
                           owner="report__member", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("党员服务时长")
        verbose_name_plural = _("党员服务时长")
        ordering = ["-served_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="servicehour_range")]

    def __str__(self) -> str:
        return f"{self.report.name} {self.served_on} {self.hours}h"


# --- Micro-works, center projects, micro-wishes ----------------------------------------------------

class ServiceCenterFacility(models.Model):
    """A village's party-mass service center (党群服务中心) as a building."""

    village = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="service_center", verbose_name=_("村（社区）"))
    name = models.CharField(_("名称"), max_length=100)
    floor_area_m2 = models.PositiveIntegerField(_("建筑面积（㎡）"), default=0)
    built_year = models.PositiveIntegerField(_("建成年份"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES | UNIT, "change": MANAGERS})

    class Meta:
        verbose_name = _("党群服务中心")
        verbose_name_plural = _("党群服务中心")
        ordering = ["village__path"]

    def __str__(self) -> str:
        return self.name


class MicroWork(models.Model):
    """微实事 (or a service-center rebuild project): proposed → approved → in progress → accepted, public."""

    carries_out_resolutions = True  # a 三村议事 resolution may link to it (the app opts in; deliberation names no app)

    class Kind(models.TextChoices):
        MICRO_WORK = "micro_work", _("微实事")
        CENTER_PROJECT = "center_project", _("党群服务中心建设")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("村级申报")
        APPROVED = "approved", _("乡镇审批通过")
        REJECTED = "rejected", _("未通过")
        IN_PROGRESS = "in_progress", _("实施中")
        ACCEPTED = "accepted", _("已验收")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="micro_works", verbose_name=_("村（社区）"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.MICRO_WORK)
    facility = models.ForeignKey(ServiceCenterFacility, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projects", verbose_name=_("党群服务中心"))
    category = models.ForeignKey(WorkCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("类别"))
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("内容"), blank=True)
    budget_fen = models.BigIntegerField(_("预算（分）"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("申报人"))
    proposed_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    is_public = models.BooleanField(_("已公示"), default=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={
        "view": STAFF_ROLES | UNIT, "propose": MANAGERS | {Role.VILLAGE_ASSISTANT}, "approve": COUNTY | TOWNSHIP,
        "carry_out": MANAGERS | {Role.VILLAGE_ASSISTANT}, "accept": COUNTY | TOWNSHIP,
    })

    class Meta:
        verbose_name = _("微实事")
        verbose_name_plural = _("微实事")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="microwork_region_status")]
        constraints = [
            models.CheckConstraint(condition=Q(budget_fen__gt=0), name="microwork_budget_positive"),
            models.CheckConstraint(condition=Q(kind="micro_work") | Q(facility__isnull=False), name="microwork_project_has_facility"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("services:micro_work_detail", args=[self.pk])


class MicroWorkEvent(models.Model):
    work = models.ForeignKey(MicroWork, on_delete=models.CASCADE, related_name="events", verbose_name=_("微实事"))
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=MicroWork.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class HardshipGroup(models.TextChoices):
    """困难群体: the groups the county's 微心愿 and volunteer work are meant to reach."""

    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困/五保")
    DISABLED = "disabled", _("残疾")
    ELDER = "left_elder", _("留守老人")
    CHILD = "left_child", _("留守儿童")


class HardshipRecord(models.Model):
    """One resident in one 困难群体, kept by the village and township with its next review date. An ended record
    stays (who ended it, why); a resident is in a group at most once at a time."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="hardship_records",
                                 verbose_name=_("居民"))
    group = models.CharField(_("类别"), max_length=12, choices=HardshipGroup.choices)
    since = models.DateField(_("认定日期"))
    review_due = models.DateField(_("下次复核日期"))
    note = models.CharField(_("情况说明"), max_length=300, blank=True,
                            help_text=_("只写帮扶需要知道的情况，不写身份证号、电话和病情细节。"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("最近复核"), null=True, blank=True)
    ended_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    end_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    objects = RestrictedManager()
    # Who is in hardship is sensitive: the village office and the township, not grid members or units.
    scope_spec = ScopeSpec(region="resident__region",
                           roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT},
                                  "change": MANAGERS | {Role.VILLAGE_ASSISTANT}})

    class Meta:
        verbose_name = _("困难群体登记")
        verbose_name_plural = _("困难群体登记")
        ordering = ["review_due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "group"], condition=Q(ended_at__isnull=True),
                                    name="hardship_once_per_group"),
            models.CheckConstraint(condition=Q(review_due__gte=F("since")), name="hardship_review_after_since"),
        ]
        indexes = [models.Index(fields=["review_due"], condition=Q(ended_at__isnull=True),
                                name="hardship_open_review_due")]

    def __str__(self) -> str:
        return f"{self.resident.name} · {self.get_group_display()}"

    def get_absolute_url(self) -> str:
        return reverse("services:hardship_detail", args=[self.pk])

    def audit_region(self):
        return self.resident.region


class MicroWish(models.Model):
    """微心愿: a needy resident's wish, posted by the village, claimed by a party member or unit."""

    class Status(models.TextChoices):
        POSTED = "posted", _("待认领")
        CLAIMED = "claimed", _("已认领")
        FULFILLED = "fulfilled", _("已兑现")
        CONFIRMED = "confirmed", _("已确认")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="micro_wishes", verbose_name=_("村（社区）"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="micro_wishes", verbose_name=_("心愿人"))
    title = models.CharField(_("心愿"), max_length=120)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.POSTED)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="claimed_wishes", verbose_name=_("认领人"))
    claimed_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_wishes",
                                     verbose_name=_("认领单位"))
    fulfilled_note = models.CharField(_("兑现情况"), max_length=300, blank=True)
    # The 困难群体 the wish reaches, taken from the register when it is posted (kept as it was then).
    group = models.CharField(_("困难群体"), max_length=12, choices=HardshipGroup.choices, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES | UNIT, "post": MANAGERS | {Role.VILLAGE_ASSISTANT},
                                                   "claim": STAFF_ROLES | UNIT},
                           owner="claimed_by", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Funds ---------------------------------------------------------------------------------------

class Fund(models.Model):
    """A pot of money (省级村级服务群众专项经费 6万元/村, 县驻点联系服务群众专项资金 150万元/年 …)."""

    class Source(models.TextChoices):
        PROVINCIAL_VILLAGE = "provincial_village", _("省村级党组织服务群众专项经费")
        COUNTY_LIAISON = "county_liaison", _("县驻点联系服务群众专项资金")
        CENTER_CONSTRUCTION = "center_construction", _("党群服务中心建设资金")

    name = models.CharField(_("资金名称"), max_length=120)
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="funds", verbose_name=_("管理区域"))
    year = models.PositiveIntegerField(_("年度"))
    amount_fen = models.BigIntegerField(_("总额（分）"))
    allocated_fen = models.BigIntegerField(_("已安排（分）"), default=0)
    spent_fen = models.BigIntegerField(_("已支出（分）"), default=0)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "allocate": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("专项资金")
        verbose_name_plural = _("专项资金")
        ordering = ["-year", "region__path", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "region", "year"], name="fund_once_per_year"),
            # The last line of defence: the database refuses an overspent fund.
            models.CheckConstraint(condition=Q(amount_fen__gt=0) & Q(allocated_fen__gte=0)
                                   & Q(allocated_fen__lte=F("amount_fen")), name="fund_not_overallocated"),
            models.CheckConstraint(condition=Q(spent_fen__gte=0) & Q(spent_fen__lte=F("allocated_fen")),
                                   name="fund_not_overspent"),
        ]

    def __str__(self) -> str:
        return f"{self.year}{self.name}"

    @property
    def unallocated_fen(self) -> int:
        return self.amount_fen - self.allocated_fen

    @property
    def balance_fen(self) -> int:
        return self.amount_fen - self.spent_fen


class Allocation(models.Model):
    """Money from a fund set aside for one micro-work (approved by the township or county)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("资金"))
    work = models.ForeignKey(MicroWork, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("微实事"))
    amount_fen = models.BigIntegerField(_("安排金额（分）"))
    spent_fen = models.BigIntegerField(_("已支出（分）"), default=0)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("审批人"))
    approved_at = models.DateTimeField(_("审批时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="work__region", roles={"view": STAFF_ROLES, "spend": MANAGERS | {Role.VILLAGE_ASSISTANT}})

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["-approved_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0) & Q(spent_fen__gte=0)
                                   & Q(spent_fen__lte=F("amount_fen")), name="allocation_not_overspent"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.work}：{yuan(self.amount_fen)}"

    def get_absolute_url(self) -> str:
        """An allocation is shown (and spent from) on its work's page."""
        return reverse("services:micro_work_detail", args=[self.work_id])


class Expenditure(models.Model):
    """One payment against an allocation, with its receipt (an attachment on this row)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("资金安排"))
    amount_fen = models.BigIntegerField(_("支出金额（分）"))
    payee = models.CharField(_("收款方"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200)
    receipt_number = models.CharField(_("票据号"), max_length=40)
    spent_on = models.DateField(_("支出日期"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="allocation__work__region", roles={"view": STAFF_ROLES})

    class Meta:
        verbose_name = _("资金支出")
        verbose_name_plural = _("资金支出")
        ordering = ["-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="expenditure_positive")]

    def __str__(self) -> str:
        return f"{self.payee} {yuan(self.amount_fen)}"

    def get_absolute_url(self) -> str:
        return self.allocation.get_absolute_url()

    def audit_region(self):
        return self.allocation.work.region


# --- 一门一网 全程代办 ----------------------------------------------------------------------------

class Errand(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_INSURANCE = "social_insurance", _("社保医保")
        CERTIFICATE = "certificate", _("证照证明")
        SUBSIDY = "subsidy", _("补贴申领")
        HOUSEHOLD = "household", _("户籍")
        OTHER = "other", _("其他政务")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        SUBMITTED = "submitted", _("已代为递交")
        DONE = "done", _("已办结")
        RETURNED = "returned", _("已退回")

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="errands", verbose_name=_("委托人"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="errands", verbose_name=_("村（社区）"))
    kind = models.CharField(_("事项类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("代办事项"), max_length=120)
    detail = models.TextField(_("说明"), blank=True)
    assistant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="errands",
                                  verbose_name=_("代办员"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=300, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "handle": VILLAGE_OFFICE | MANAGERS},
                           owner="resident__user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("全程代办")
        verbose_name_plural = _("全程代办")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("services:errand_detail", args=[self.pk])


class ErrandEvent(models.Model):
    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=Errand.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


# --- Volunteers ----------------------------------------------------------------------------------

class VolunteerTeam(models.Model):
    """党员志愿服务队 of a village or township."""

    name = models.CharField(_("队名"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="volunteer_teams", verbose_name=_("所属区域"))
    leader_name = models.CharField(_("队长"), max_length=50, blank=True)
    founded_on = models.DateField(_("成立日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES | UNIT, "manage": MANAGERS | {Role.VILLAGE_ASSISTANT}})

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:volunteer_team_detail", args=[self.pk])


class Volunteer(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("服务队"))
    name = models.CharField(_("姓名"), max_length=50)
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_party_member = models.BooleanField(_("党员"), default=True)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)

    class Meta:
        ordering = ["team", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="volunteer_unique_name")]

    def __str__(self) -> str:
        return self.name


class VolunteerActivity(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="activities", verbose_name=_("服务队"))
    title = models.CharField(_("活动名称"), max_length=120)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="team__region", roles={"view": STAFF_ROLES | UNIT})

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class VolunteerHour(models.Model):
    activity = models.ForeignKey(VolunteerActivity, on_delete=models.CASCADE, related_name="hours")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="hours")
    hours = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteerhour_once"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteerhour_range"),
        ]


# --- Open311 -------------------------------------------------------------------------------------

class Open311Key(models.Model):
    """An API key of a 311 client (a WeChat mini-program, a hotline system). Stored as a hash only."""

    name = models.CharField(_("客户端名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理区域"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": COUNTY})

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, name: str, region: Region) -> tuple["Open311Key", str]:
        raw = secrets.token_urlsafe(24)
        return cls.objects.create(name=name, region=region, key_hash=cls.hash(raw), key_prefix=raw[:8]), raw
