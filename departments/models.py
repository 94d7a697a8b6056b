"""County line departments in the issue chain (issue #20): 县直部门, 事项清单, 部门交办, 督办, 吹哨报到.

A department (交通、水利、电力 …) is a configurable unit of the county; its staff hold the role
县直部门工作人员 at county level and are linked to it (DepartmentStaff) — like a co-building unit's staff,
they see through the owner path of each model (`department__staff`), so one department's staff see
nothing of another's. The county's 事项清单 (MatterCatalogueItem) says which level handles a matter
(村/组, 乡镇, 县级部门), the competent department and its time limit; issue categories link to it, and an
issue that reaches the county is routed through it to the department's inbox (DepartmentAssignment).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit, WorkCategory
from governance.models import Region
from governance.scoping import COUNTY, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, RestrictedManager, Role, ScopeSpec
from grids.models import Issue

ALL_ROLES = frozenset(Role.values)
COUNTY_TOWNSHIP = COUNTY | TOWNSHIP


class Department(models.Model):
    """县直部门: a line department of the county that takes the matters of its field."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("部门名称"), max_length=60, unique=True)
    duties = models.TextField(_("主要职责"), blank=True)
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, through="DepartmentStaff", blank=True,
                                   related_name="departments", verbose_name=_("工作人员"))

    objects = RestrictedManager()
    # County and townships see every department (routing, whistles name them); its staff see their own.
    scope_spec = ScopeSpec(region=None, roles={"view": COUNTY_TOWNSHIP, "change": COUNTY, "add": COUNTY},
                           owner="staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("县直部门")
        verbose_name_plural = _("县直部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("departments:department_detail", args=[self.pk])


class DepartmentStaff(models.Model):
    """A user working for a department (they hold the role 县直部门工作人员 at county level)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("部门"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("工作人员"))
    since = models.DateField(_("到岗日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": COUNTY, "change": COUNTY}, owner="user",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("部门工作人员")
        verbose_name_plural = _("部门工作人员")
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="department_staff_once")]

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class HandlingLevel(models.TextChoices):
    """政府该放、农村能管、农民能干: which level handles a matter."""

    VILLAGE = "village", _("村/组可办")
    TOWNSHIP = "township", _("乡镇必办")
    COUNTY = "county", _("县级部门必办")


class MatterCatalogueItem(models.Model):
    """事项清单: one matter, the level that handles it, its competent department and time limit, in plain words."""

    name = models.CharField(_("事项名称"), max_length=100, unique=True)
    level = models.CharField(_("办理层级"), max_length=10, choices=HandlingLevel.choices)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="catalogue_items", verbose_name=_("主管部门"))
    sla_days = models.PositiveSmallIntegerField(_("办理时限（天）"), default=10)
    plain_description = models.TextField(_("通俗说明"), help_text=_("写给村民看的话：什么事、找谁、多久办好。"))
    categories = models.ManyToManyField(WorkCategory, through="CatalogueCategory", blank=True, related_name="+",
                                        verbose_name=_("对应事项类别"))
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    # Published to everyone signed in, villagers included; the county maintains it.
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY, "add": COUNTY})

    class Meta:
        verbose_name = _("事项清单")
        verbose_name_plural = _("事项清单")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(level="county") | Q(department__isnull=False),
                                   name="catalogue_county_has_department"),
            models.CheckConstraint(condition=Q(sla_days__gte=1, sla_days__lte=365), name="catalogue_sla_days_range"),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueCategory(models.Model):
    """An issue category's entry in the catalogue: at most one per category (routing reads it)."""

    item = models.ForeignKey(MatterCatalogueItem, on_delete=models.CASCADE, related_name="category_links")
    category = models.OneToOneField(WorkCategory, on_delete=models.CASCADE, related_name="catalogue_link")

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("清单对应类别")
        verbose_name_plural = _("清单对应类别")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    REPORTED = "reported", _("已报办结")
    CONFIRMED = "confirmed", _("乡镇已确认")
    HANDED_BACK = "handed_back", _("已退回")
    REASSIGNED = "reassigned", _("已改派")


ASSIGNMENT_OPEN = [AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.REPORTED]


class DepartmentAssignment(models.Model):
    """部门交办: an issue at the county in a department's inbox, as 主办 or 协办 (each one's part tracked)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="department_assignments",
                              verbose_name=_("事件"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments",
                                   verbose_name=_("承办部门"))
    role = models.CharField(_("承办方式"), max_length=8, choices=Role.choices, default=Role.LEAD)
    lead = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="assists",
                             verbose_name=_("主办交办"))
    catalogue_item = models.ForeignKey(MatterCatalogueItem, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("清单事项"))
    state = models.CharField(_("状态"), max_length=12, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    part = models.TextField(_("承办内容"), blank=True)
    deadline = models.DateTimeField(_("办理时限"))
    result = models.TextField(_("办理结果"), blank=True)
    reason = models.TextField(_("退回/改派理由"), blank=True)
    created_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报结时间"), null=True, blank=True)
    handed_back_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="issue__region", roles={"view": COUNTY_TOWNSHIP, "change": COUNTY},
                           owner="department__staff", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("部门交办")
        verbose_name_plural = _("部门交办")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["department", "state", "deadline"], name="dept_assignment_inbox")]
        constraints = [
            # One open 主办 per issue; a department holds an issue at most once at a time.
            models.UniqueConstraint(fields=["issue"], condition=Q(role="lead", state__in=["pending", "accepted", "reported"]),
                                    name="dept_assignment_one_open_lead"),
            models.UniqueConstraint(fields=["issue", "department"], condition=Q(state__in=["pending", "accepted", "reported"]),
                                    name="dept_assignment_once_per_department"),
            models.CheckConstraint(condition=Q(role="lead", lead__isnull=True) | Q(role="assist", lead__isnull=False),
                                   name="dept_assignment_assist_has_lead"),
            models.CheckConstraint(condition=~Q(state="handed_back") | ~Q(reason=""), name="dept_assignment_hand_back_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_role_display()} · #{self.issue_id}"

    def get_absolute_url(self) -> str:
        return reverse("departments:assignment_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in ASSIGNMENT_OPEN

    @property
    def is_overdue(self) -> bool:
        return self.state in (AssignmentState.PENDING, AssignmentState.ACCEPTED) and self.deadline < timezone.now()


class AssignmentEvent(models.Model):
    """One row per move of an assignment (routed, accepted, handed back, co-handling asked, reported …)."""

    assignment = models.ForeignKey(DepartmentAssignment, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("部门交办"))
    kind = models.CharField(_("动作"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="assignment__issue__region", roles={"view": COUNTY_TOWNSHIP},
                           owner="assignment__department__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.assignment_id}"


class Supervision(models.Model):
    """督办: the county puts a matter under supervision with a deadline; overdue, the sweep escalates it
    once to the county leadership (升级督办)."""

    class State(models.TextChoices):
        OPEN = "open", _("督办中")
        ESCALATED = "escalated", _("超期升级督办")
        CLOSED = "closed", _("已办结销号")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("督办事项"))
    requirement = models.TextField(_("督办要求"))
    deadline = models.DateTimeField(_("督办时限"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("督办人"))
    created_at = models.DateTimeField(_("督办时间"), default=timezone.now)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closing_note = models.TextField(_("销号说明"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="issue__region", roles={"view": COUNTY_TOWNSHIP, "change": COUNTY},
                           owner="issue__department_assignments__department__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline"], name="supervision_due", condition=Q(state="open"))]
        constraints = [models.UniqueConstraint(fields=["issue"], condition=Q(state__in=["open", "escalated"]),
                                               name="supervision_one_open_per_issue")]

    def __str__(self) -> str:
        return _("督办：%(t)s") % {"t": self.issue.title}

    def get_absolute_url(self) -> str:
        return reverse("departments:supervision_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.state != self.State.CLOSED and self.deadline < timezone.now()


class Whistle(models.Model):
    """吹哨报到: a township blows the whistle on a matter it cannot solve; the named departments must report
    (acknowledge) by a deadline and send people; attendance and outcome are recorded."""

    class State(models.TextChoices):
        OPEN = "open", _("吹哨中")
        CLOSED = "closed", _("已办结")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="whistles", verbose_name=_("事项"))
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("吹哨乡镇（街道）"))
    request = models.TextField(_("吹哨事由"))
    meet_at = models.DateTimeField(_("现场会商时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    ack_deadline = models.DateTimeField(_("报到时限"))
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    outcome = models.TextField(_("处置结果"), blank=True)
    blown_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("吹哨人"))
    blown_at = models.DateTimeField(_("吹哨时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": COUNTY_TOWNSHIP, "change": COUNTY_TOWNSHIP,
                                                     "add": TOWNSHIP},
                           owner="calls__department__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("吹哨报到")
        verbose_name_plural = _("吹哨报到")
        ordering = ["-blown_at", "-id"]

    def __str__(self) -> str:
        return _("吹哨：%(t)s") % {"t": self.issue.title}

    def get_absolute_url(self) -> str:
        return reverse("departments:whistle_detail", args=[self.pk])


class WhistleCall(models.Model):
    """One department named by a whistle: its acknowledgement, the people it sent, whether they came."""

    class State(models.TextChoices):
        PENDING = "pending", _("待报到")
        ACKNOWLEDGED = "acknowledged", _("已响应")
        ATTENDED = "attended", _("已到场")
        ABSENT = "absent", _("未到场")
        MISSED = "missed", _("超时未响应")

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="calls", verbose_name=_("吹哨"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="whistle_calls",
                                   verbose_name=_("报到部门"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    people = models.CharField(_("派出人员"), max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("响应人"))
    missed_at = models.DateTimeField(_("超时记录时间"), null=True, blank=True)
    attendance_note = models.CharField(_("到场情况"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="whistle__township", roles={"view": COUNTY_TOWNSHIP, "change": COUNTY_TOWNSHIP},
                           owner="department__staff", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("报到部门")
        verbose_name_plural = _("报到部门")
        ordering = ["whistle", "department__name"]
        indexes = [models.Index(fields=["whistle"], name="whistle_call_pending", condition=Q(state="pending"))]
        constraints = [models.UniqueConstraint(fields=["whistle", "department"], name="whistle_call_once")]

    def __str__(self) -> str:
        return f"{self.whistle_id} · {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("departments:whistle_detail", args=[self.whistle_id])


class UnitSupervisor(models.Model):
    """压实主管部门责任: the department that supervises a co-building unit (one per unit)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="supervisor", verbose_name=_("共建单位"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="supervised_units",
                                   verbose_name=_("主管部门"))
    since = models.DateField(_("起始日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="unit__region", roles={"view": STAFF_ROLES, "change": COUNTY},
                           owner="department__staff", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("单位主管部门")
        verbose_name_plural = _("单位主管部门")
        ordering = ["department__name", "unit__name"]

    def __str__(self) -> str:
        return f"{self.unit} → {self.department}"


class StationedCadre(models.Model):
    """驻村干部: a county or township cadre stationed in a village (驻村第一书记 or 驻村工作队员) for a term.

    The cadre is a user holding a staff role where they have an account (they then see their own terms and
    log their visits), else a name; the sending unit is a county department or, for a township's own cadre,
    written out. A term that ended is kept as history; only the current terms count."""

    class Post(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("驻村第一书记")
        TEAM_MEMBER = "team_member", _("驻村工作队员")

    class State(models.TextChoices):
        ACTIVE = "active", _("在岗")
        ENDED = "ended", _("已结束")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="stationed_terms", verbose_name=_("干部账号"))
    name = models.CharField(_("姓名"), max_length=40)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stationed_cadres",
                                verbose_name=_("驻村"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="stationed_cadres", verbose_name=_("派出部门"))
    unit_name = models.CharField(_("派出单位"), max_length=60, blank=True,
                                 help_text=_("不是县直部门派出时填写，如乡镇（街道）机关。"))
    post = models.CharField(_("驻村职务"), max_length=16, choices=Post.choices, default=Post.TEAM_MEMBER)
    tasks = models.TextField(_("驻村任务"))
    start_date = models.DateField(_("任期开始"))
    end_date = models.DateField(_("任期结束"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.ACTIVE)
    stationed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("选派人"))
    created_at = models.DateTimeField(_("选派时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("结束操作人"))
    end_reason = models.TextField(_("结束原因"), blank=True)

    objects = RestrictedManager()
    # The village sees who is stationed with it, the township its villages', the county all; the cadre their own.
    scope_spec = ScopeSpec(region="village", roles={"view": COUNTY_TOWNSHIP | VILLAGE_OFFICE, "change": COUNTY_TOWNSHIP,
                                                    "add": COUNTY_TOWNSHIP},
                           owner="user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("驻村干部")
        verbose_name_plural = _("驻村干部")
        ordering = ["state", "village__path", "-start_date", "id"]
        indexes = [models.Index(fields=["village", "state"], name="stationed_cadre_village")]
        constraints = [
            # one current term of a person in a village (the action says so in words first; this wins a race)
            models.UniqueConstraint(fields=["user", "village"], condition=Q(state="active", user__isnull=False),
                                    name="stationed_cadre_one_current_term"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="stationed_cadre_term_order"),
            models.CheckConstraint(condition=Q(state="active") | ~Q(end_reason=""), name="stationed_cadre_end_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_post_display()}"

    def get_absolute_url(self) -> str:
        return reverse("departments:stationed_detail", args=[self.pk])

    @property
    def sending_unit(self) -> str:
        return self.department.name if self.department_id else self.unit_name


class StationedVisit(models.Model):
    """驻村工作记录: one day's work of a stationed cadre in the village (走访、帮办、宣讲 …)."""

    cadre = models.ForeignKey(StationedCadre, on_delete=models.CASCADE, related_name="visits",
                              verbose_name=_("驻村干部"))
    date = models.DateField(_("日期"))
    work = models.TextField(_("工作内容"))
    households_visited = models.PositiveSmallIntegerField(_("走访户数"), default=0)
    note = models.TextField(_("备注"), blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("记录人"))
    logged_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="cadre__village", roles={"view": COUNTY_TOWNSHIP | VILLAGE_OFFICE},
                           owner="cadre__user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("驻村工作记录")
        verbose_name_plural = _("驻村工作记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "date"], name="stationed_visit_cadre_date")]
        constraints = [models.CheckConstraint(condition=Q(households_visited__lte=1000),
                                              name="stationed_visit_households_range")]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("departments:stationed_detail", args=[self.cadre_id])
