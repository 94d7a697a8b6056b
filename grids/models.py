"""Party-member grids (村到组、组到户、户到人), visits, issues and their escalation chain, major events.

A grid covers one group/compound (level-4 region). Every household in it has at most one responsible
party member (a unique constraint on the household); pages show the households still without one.
An issue climbs grid → village → township → county; each level has a deadline from the county's SLA
table, and the escalation sweep (tasks.issues_escalate_overdue) moves overdue issues up exactly once
per level: the history's unique constraint on (issue, level) makes a second escalation impossible.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import WorkCategory, WorkItem
from governance.models import Household, Region, Resident
from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, RestrictedManager, Role, ScopeSpec

GRID_STAFF = STAFF_ROLES  # the county down to the grid leader


class Grid(models.Model):
    """网格: one group (村民小组) or compound (小区), a leader and party members on duty."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="grid", verbose_name=_("网格区域"))
    leader = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids_led",
                               verbose_name=_("网格长（党员）"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": GRID_STAFF, "change": MANAGERS, "add": MANAGERS})

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["region__path"]

    def __str__(self) -> str:
        return self.region.name

    def get_absolute_url(self) -> str:
        return reverse("grids:grid_detail", args=[self.pk])


class GridMember(models.Model):
    """A party member on duty in a grid (党员+责任区)."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="members", verbose_name=_("网格"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="grid_duties", verbose_name=_("党员"))
    since = models.DateField(_("到岗日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="grid__region", roles={"view": GRID_STAFF, "change": MANAGERS})

    class Meta:
        verbose_name = _("网格党员")
        verbose_name_plural = _("网格党员")
        ordering = ["grid", "resident__name"]
        constraints = [models.UniqueConstraint(fields=["grid", "resident"], name="grid_member_once")]

    def __str__(self) -> str:
        return f"{self.grid} · {self.resident.name}"


class Responsibility(models.Model):
    """党员+责任户: the one party member responsible for a household (unique per household)."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="responsibility",
                                     verbose_name=_("户"))
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("网格"))
    member = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="responsible_for",
                               verbose_name=_("责任党员"))
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="grid__region", roles={"view": GRID_STAFF, "change": MANAGERS | {Role.GRID_LEADER}})

    class Meta:
        verbose_name = _("责任户")
        verbose_name_plural = _("责任户")
        ordering = ["grid", "household__number"]
        indexes = [models.Index(fields=["member"], name="responsibility_member")]

    def __str__(self) -> str:
        return f"{self.household.number} → {self.member.name}"


class Severity(models.TextChoices):
    MINOR = "minor", _("小事")
    HARD = "hard", _("难事")
    MAJOR = "major", _("大事")


class EscalationLevel(models.IntegerChoices):
    """Where an issue sits in the escalation chain (1 = grid … 4 = county): the opposite order of
    `Region.Level` (1 = county … 4 = group), hence its own name; compare only by member, never by number."""

    GRID = 1, _("网格")
    VILLAGE = 2, _("村（社区）")
    TOWNSHIP = 3, _("乡镇（街道）")
    COUNTY = 4, _("县级部门")


# Who handles an issue at each level: the level's own office, and anyone above it in the same subtree.
LEVEL_HANDLERS = {
    EscalationLevel.GRID: STAFF_ROLES,
    EscalationLevel.VILLAGE: VILLAGE_OFFICE | TOWNSHIP | COUNTY,
    EscalationLevel.TOWNSHIP: TOWNSHIP | COUNTY,
    EscalationLevel.COUNTY: COUNTY,
}
# Who is notified when an issue arrives at a level (the handlers of that level's region only).
LEVEL_NOTIFY = {
    EscalationLevel.GRID: frozenset({Role.GRID_LEADER}),
    EscalationLevel.VILLAGE: frozenset({Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT}),
    EscalationLevel.TOWNSHIP: TOWNSHIP,
    EscalationLevel.COUNTY: COUNTY,
}


class EscalationSLA(models.Model):
    """County-configured time allowed at each level for each severity (hours)."""

    level = models.PositiveSmallIntegerField(_("层级"), choices=EscalationLevel.choices)
    severity = models.CharField(_("事件分级"), max_length=8, choices=Severity.choices)
    hours = models.PositiveIntegerField(_("办理时限（小时）"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": STAFF_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["level", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["level", "severity"], name="sla_once_per_level_severity"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="sla_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_severity_display()} · {self.hours}h"


class IssueStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已确认关闭")
    REOPENED = "reopened", _("已重新打开")
    REJECTED = "rejected", _("不予受理")


ACTIVE_STATUSES = [IssueStatus.REPORTED, IssueStatus.ACCEPTED, IssueStatus.IN_PROGRESS, IssueStatus.REOPENED]


class Issue(models.Model):
    """事件/诉求. `region` is the grid's group/compound; village and township are kept alongside so the
    queues and the sweep filter on indexed columns without walking the tree."""

    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("情况描述"))
    category = models.ForeignKey(WorkCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别"))
    severity = models.CharField(_("事件分级"), max_length=8, choices=Severity.choices, default=Severity.MINOR)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grid_issues", verbose_name=_("网格"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="issues",
                                  verbose_name=_("户"))
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="issues",
                                 verbose_name=_("当事群众"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_issues",
                                 verbose_name=_("上报人"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="assigned_issues", verbose_name=_("承办人"))
    level = models.PositiveSmallIntegerField(_("当前层级"), choices=EscalationLevel.choices, default=EscalationLevel.GRID)
    status = models.CharField(_("状态"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.REPORTED)
    deadline = models.DateTimeField(_("本级办理时限"))
    version = models.PositiveIntegerField(default=1, editable=False)  # every change bumps it: stale forms lose
    work_item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("中心事项"))
    reject_reason = models.TextField(_("不予受理理由"), blank=True)
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # A report sent from a phone carries a key made there: a retried upload finds its issue, never a second
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": STAFF_ROLES, "change": STAFF_ROLES},
        owner="reporter",
        owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["deadline", "id"]
        indexes = [
            # The sweep's claim: open issues below the county past their deadline.
            models.Index(fields=["deadline"], name="issue_overdue",
                         condition=Q(status__in=["reported", "accepted", "in_progress", "reopened"], level__lt=EscalationLevel.COUNTY)),
            models.Index(fields=["township", "level", "status"], name="issue_township_queue"),
            models.Index(fields=["village", "level", "status"], name="issue_village_queue"),
            models.Index(fields=["reporter", "created_at"], name="issue_reporter"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=EscalationLevel.GRID, level__lte=EscalationLevel.COUNTY), name="issue_level_valid"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""), name="issue_reject_has_reason"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("grids:issue_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.now()

    @property
    def time_left(self):
        return self.deadline - timezone.now()


class IssueEvent(models.Model):
    """One row per report, acceptance, assignment, escalation, comment, resolution, reopening …"""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("上报")
        ACCEPTED = "accepted", _("受理")
        ASSIGNED = "assigned", _("指派")
        STARTED = "started", _("开始办理")
        ESCALATED = "escalated", _("提级处置")
        AUTO_ESCALATED = "auto_escalated", _("超时自动提级")
        COMMENTED = "commented", _("备注")
        RESOLVED = "resolved", _("办结")
        CLOSED = "closed", _("确认关闭")
        REOPENED = "reopened", _("重新打开")
        REJECTED = "rejected", _("不予受理")
        ATTACHED = "attached", _("添加附件")

    ESCALATIONS = ("escalated", "auto_escalated")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events", verbose_name=_("事件"))
    kind = models.CharField(_("动作"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    from_level = models.PositiveSmallIntegerField(_("原层级"), null=True, blank=True, choices=EscalationLevel.choices)
    to_level = models.PositiveSmallIntegerField(_("新层级"), null=True, blank=True, choices=EscalationLevel.choices)
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="issue__region", roles={"view": STAFF_ROLES}, owner="issue__reporter",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("事件记录")
        verbose_name_plural = _("事件记录")
        ordering = ["at", "id"]
        constraints = [
            # Exactly once per issue and level: a second escalation into the same level cannot be written.
            models.UniqueConstraint(fields=["issue", "to_level"], condition=Q(kind__in=["escalated", "auto_escalated"]),
                                    name="issue_escalated_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.issue_id}"


class Visit(models.Model):
    """点对点送服务、面对面听意见: a party member's visit to a household."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="visits", verbose_name=_("网格"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="grid_visits", verbose_name=_("户"))
    member = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="visits_made",
                               verbose_name=_("走访党员"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    notes = models.TextField(_("走访记录"))
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("由此上报的事件"))
    # Where the phone was when the visit was logged (only when it allowed it), WGS 84 degrees
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Made on the phone before the visit is queued: a retried upload returns this visit, never a second one
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="grid__region", roles={"view": STAFF_ROLES, "add": STAFF_ROLES})

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household")]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                                   name="visit_latitude_valid"),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                                   name="visit_longitude_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household.number}"

    def audit_region(self):  # a visit's photo is filed under its grid, as its audit row is
        return self.grid.region


class MajorEvent(models.Model):
    """大事全网联动: one event, a linked task for every grid in its scope."""

    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("要求"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("联动范围"))
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="major_events",
                              verbose_name=_("关联事件"))
    originator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": MANAGERS, "add": MANAGERS}, owner="originator",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("大事联动")
        verbose_name_plural = _("大事联动")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grids:major_event_detail", args=[self.pk])


class MajorEventTask(models.Model):
    event = models.ForeignKey(MajorEvent, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("大事联动"))
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="major_tasks", verbose_name=_("网格"))
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("响应人"))
    note = models.TextField(_("响应情况"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="grid__region", roles={"view": STAFF_ROLES, "change": STAFF_ROLES},
                           owner="event__originator", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("联动任务")
        verbose_name_plural = _("联动任务")
        ordering = ["acknowledged_at", "grid__region__path"]
        constraints = [models.UniqueConstraint(fields=["event", "grid"], name="major_task_once_per_grid")]

    def __str__(self) -> str:
        return f"{self.event} · {self.grid}"

    def get_absolute_url(self) -> str:
        return reverse("grids:major_event_detail", args=[self.event_id])
