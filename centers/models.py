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
    carries_out_resolutions = True  # a 三村议事 resolution may link to it (the app opts in; deliberation names no app)

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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("centers:work_item_detail", args=[self.pk])


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


# --- Staff assignments, operating mode, clusters (联片包村) ---------------------------------------

class StaffAssignment(models.Model):
    """A township cadre working in one center (集中办公). The original unit, post and establishment are
    recorded as they were and never overwritten (不改变原有机构设置和人员编制); a move ends this row
    and opens a new one, so the rows are the history."""

    class Establishment(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("行政编制")
        PUBLIC_INSTITUTION = "public_institution", _("事业编制")
        CONTRACT = "contract", _("聘用人员")
        OTHER = "other", _("其他")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="center_assignments",
                             verbose_name=_("干部"))
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇/街道"))
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("派驻中心"))
    original_unit = models.CharField(_("原单位"), max_length=100)
    original_post = models.CharField(_("原职务"), max_length=100)
    establishment = models.CharField(_("编制性质"), max_length=24, choices=Establishment.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("登记人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": STAFF_ROLES, "change": COUNTY | TOWNSHIP},
                           owner="user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("中心派驻")
        verbose_name_plural = _("中心派驻")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(end_date__isnull=True), name="assignment_one_current"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="assignment_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} → {self.center}"

    @property
    def current(self) -> bool:
        return self.end_date is None


class OperatingMode(models.TextChoices):
    NORMAL = "normal", _("平时按分工")
    COORDINATED = "coordinated", _("紧时有统筹")


class ModeSwitch(models.Model):
    """One switch of a township's operating mode; the latest row is the current mode."""

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mode_switches", verbose_name=_("乡镇/街道"))
    from_mode = models.CharField(_("原模式"), max_length=16, choices=OperatingMode.choices)
    to_mode = models.CharField(_("新模式"), max_length=16, choices=OperatingMode.choices)
    reason = models.CharField(_("切换原因"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": STAFF_ROLES})

    class Meta:
        verbose_name = _("运行模式切换")
        verbose_name_plural = _("运行模式切换")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.township.name}：{self.get_from_mode_display()} → {self.get_to_mode_display()}"


class TownshipMode(models.Model):
    """The current operating mode of a township (one row each, created with its centers)."""

    township = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="operating_mode",
                                    verbose_name=_("乡镇/街道"))
    mode = models.CharField(_("运行模式"), max_length=16, choices=OperatingMode.choices, default=OperatingMode.NORMAL)
    changed_at = models.DateTimeField(_("切换时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": STAFF_ROLES, "change": COUNTY | {Role.TOWNSHIP_HEAD}})

    class Meta:
        verbose_name = _("运行模式")
        verbose_name_plural = _("运行模式")

    def __str__(self) -> str:
        return f"{self.township.name}：{self.get_mode_display()}"


class Cluster(models.Model):
    """A 片区 of township cadres who between them contact the township's villages (联片包村)."""

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("乡镇/街道"))
    name = models.CharField(_("片区名称"), max_length=60)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("片长"))
    cadres = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="clusters", verbose_name=_("片区干部"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="township", roles={"view": STAFF_ROLES, "change": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["township__path", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="cluster_name_unique")]

    def __str__(self) -> str:
        return self.name


class VillageContact(models.Model):
    """The one township cadre who contacts a village (包村干部). One per village: a database constraint."""

    village = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="contact", verbose_name=_("村/社区"))
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contact_villages",
                              verbose_name=_("联系干部"))
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts",
                                verbose_name=_("片区"))
    since = models.DateField(_("起始日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES, "change": COUNTY | TOWNSHIP},
                           owner="cadre", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("包村联系干部")
        verbose_name_plural = _("包村联系干部")
        ordering = ["village__path"]

    def __str__(self) -> str:
        return f"{self.village.name}：{self.cadre.get_full_name() or self.cadre.username}"

    def get_absolute_url(self) -> str:
        """A village's contact is shown on its township's page (which lists the villages still without one)."""
        return self.village.parent.get_absolute_url()


# --- Party organisations and members ---------------------------------------------------------------

class PartyOrganization(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        WORKING_COMMITTEE = "working_committee", _("街道“大工委”")
        GRAND_COMMITTEE = "grand_committee", _("社区“大党委”")

    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("组织类型"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="party_organizations", verbose_name=_("所在区域"))
    center = models.OneToOneField(Center, null=True, blank=True, on_delete=models.PROTECT, related_name="party_branch",
                                  verbose_name=_("所在中心"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级组织"))
    secretary = models.ForeignKey("PartyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("书记"))
    established_on = models.DateField(_("成立日期"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": MANAGERS, "add": MANAGERS})

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["region__path", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="partyorg_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("centers:organization_detail", args=[self.pk])


class CommitteeSeat(models.Model):
    """A seat on an organisation's committee; 大工委/大党委 seats held by part-time members (兼职委员)
    come from co-building units."""

    organization = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="seats",
                                     verbose_name=_("党组织"))
    person_name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, default="委员")
    part_time = models.BooleanField(_("兼职委员"), default=False)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="committee_seats",
                             verbose_name=_("所在单位"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="organization__region", roles={"view": STAFF_ROLES, "change": MANAGERS})

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["organization", "part_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(part_time=False) | Q(unit__isnull=False), name="seat_part_time_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}：{self.person_name}（{self.title}）"

    def get_absolute_url(self) -> str:
        """A seat is shown on its organisation's page."""
        return self.organization.get_absolute_url()


class PartyMember(models.Model):
    class Membership(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")

    resident = models.OneToOneField("governance.Resident", on_delete=models.PROTECT, related_name="party_member",
                                    verbose_name=_("居民"))
    organization = models.ForeignKey(PartyOrganization, on_delete=models.PROTECT, related_name="members",
                                     verbose_name=_("所在支部"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区域"))
    membership = models.CharField(_("党员类别"), max_length=16, choices=Membership.choices, default=Membership.FULL)
    joined_on = models.DateField(_("入党日期"))
    in_service = models.BooleanField(_("在职党员"), default=False)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": MANAGERS, "add": MANAGERS},
                           owner="resident__user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["region__path", "resident__name"]
        constraints = [
            models.CheckConstraint(condition=Q(in_service=False) | ~Q(work_unit=""), name="member_in_service_has_unit"),
        ]

    def __str__(self) -> str:
        return self.resident.name


class PioneerPost(models.Model):
    """邻里先锋梯队: a pioneer post at one node of 县—街道—社区—小区(网格)—楼栋, held by a party member."""

    class Kind(models.TextChoices):
        COUNTY_LEAD = "county_lead", _("县级先锋")
        SUBDISTRICT_LEAD = "subdistrict_lead", _("街道先锋")
        COMMUNITY_LEAD = "community_lead", _("社区先锋")
        GRID_HEAD = "grid_head", _("网格长")
        BUILDING_HEAD = "building_head", _("楼栋长")

    LEVEL_OF_KIND = {
        Kind.COUNTY_LEAD: Region.Level.COUNTY, Kind.SUBDISTRICT_LEAD: Region.Level.TOWNSHIP,
        Kind.COMMUNITY_LEAD: Region.Level.VILLAGE, Kind.GRID_HEAD: Region.Level.GROUP,
        Kind.BUILDING_HEAD: Region.Level.BUILDING,
    }

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pioneer_posts", verbose_name=_("节点"))
    kind = models.CharField(_("岗位"), max_length=20, choices=Kind.choices)
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="pioneer_posts", verbose_name=_("党员"))
    since = models.DateField(_("起始日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": MANAGERS})

    class Meta:
        verbose_name = _("邻里先锋岗")
        verbose_name_plural = _("邻里先锋岗")
        ordering = ["region__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "member"], name="pioneer_post_unique")]

    def __str__(self) -> str:
        return f"{self.region.name}{self.get_kind_display()}：{self.member}"


# --- Development pipeline 村培镇管县备案 -----------------------------------------------------------

class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    TARGET = "target", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


STAGE_ORDER = [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL]


class StageRule(models.Model):
    """The minimum waiting time before a step into `to_stage` (county-configurable)."""

    to_stage = models.CharField(_("进入阶段"), max_length=16, choices=Stage.choices, unique=True)
    min_days = models.PositiveIntegerField(_("最短间隔（天）"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": STAFF_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("发展阶段间隔规则")
        verbose_name_plural = _("发展阶段间隔规则")
        ordering = ["min_days"]
        constraints = [models.CheckConstraint(condition=~Q(to_stage="applicant"), name="stagerule_not_first")]

    def __str__(self) -> str:
        return f"{self.get_to_stage_display()} ≥ {self.min_days}"


class Candidate(models.Model):
    """A person in the development pipeline of a village; the village trains, the township manages."""

    resident = models.OneToOneField("governance.Resident", on_delete=models.PROTECT, related_name="party_candidacy",
                                    verbose_name=_("居民"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="party_candidates", verbose_name=_("村/社区"))
    organization = models.ForeignKey(PartyOrganization, on_delete=models.PROTECT, related_name="candidates",
                                     verbose_name=_("培养支部"))
    stage = models.CharField(_("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    stage_since = models.DateField(_("进入本阶段日期"))
    mentor = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="mentees", verbose_name=_("培养联系人（导师）"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}, "change": MANAGERS})

    class Meta:
        verbose_name = _("发展对象档案")
        verbose_name_plural = _("党员发展")
        ordering = ["village__path", "stage", "stage_since"]
        indexes = [models.Index(fields=["village", "stage"], name="candidate_village_stage")]

    def __str__(self) -> str:
        return f"{self.resident.name}（{self.get_stage_display()}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("centers:candidate_detail", args=[self.pk])

    @property
    def next_stage(self):
        i = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


class PipelineStep(models.Model):
    """One step: the village proposes, the township approves (the stage changes), the county files."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("村级已提出")
        APPROVED = "approved", _("乡镇已审批")
        FILED = "filed", _("县级已备案")
        REJECTED = "rejected", _("已退回")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps", verbose_name=_("发展对象"))
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=Stage.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    step_date = models.DateField(_("拟进入日期"))
    required_days = models.PositiveIntegerField(_("规定最短间隔（天）"), default=0)
    waited_days = models.PositiveIntegerField(_("实际间隔（天）"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("村级提出人"))
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("乡镇审批人"))
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("县级备案人"))
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="candidate__village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}})

    class Meta:
        verbose_name = _("发展步骤")
        verbose_name_plural = _("发展步骤")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One step in flight per person: a second proposal waits until the first is decided.
            models.UniqueConstraint(fields=["candidate"], condition=Q(status="proposed"), name="step_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate.resident.name}：{self.get_from_stage_display()} → {self.get_to_stage_display()}"

    def get_absolute_url(self) -> str:
        """A step is shown on its candidate's page."""
        return self.candidate.get_absolute_url()


class PipelineGateCheck(models.Model):
    """What a gate of the pipeline saw (centers/gates.py): at the village's proposal, the township's approval
    and the county's filing — the applicant's credit grade as read then, the rule, the outcome, and the
    township's justification where it approved a step below the rule."""

    class Phase(models.TextChoices):
        PROPOSE = "propose", _("村级提出")
        APPROVE = "approve", _("乡镇审批")
        FILE = "file", _("县级备案")

    step = models.ForeignKey(PipelineStep, on_delete=models.CASCADE, related_name="gate_checks",
                             verbose_name=_("发展步骤"))
    phase = models.CharField(_("环节"), max_length=8, choices=Phase.choices)
    gate = models.CharField(_("审查项"), max_length=20)
    seen = models.CharField(_("查询所见"), max_length=200)
    rule = models.CharField(_("适用规则"), max_length=200)
    passed = models.BooleanField(_("符合"))
    reference = models.CharField(_("查询记录"), max_length=60, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("查询人"))
    checked_at = models.DateTimeField(_("查询时间"), default=timezone.now)
    override_reason = models.CharField(_("乡镇说明的理由"), max_length=500, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="step__candidate__village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}})

    class Meta:
        verbose_name = _("发展步骤审查记录")
        verbose_name_plural = _("发展步骤审查记录")
        ordering = ["step", "checked_at", "id"]
        constraints = [
            # Only the township approves below the rule, and only with its reasons.
            models.CheckConstraint(condition=Q(override_reason="") | (Q(phase="approve") & Q(passed=False)),
                                   name="gate_override_only_on_failed_approval"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} · {self.seen}"


# --- Reserve cadres ------------------------------------------------------------------------------

RESERVE_MINIMUM = 3  # every village keeps at least three (the county's rule in the source)


class ReserveCadre(models.Model):
    class Kind(models.TextChoices):
        RESERVE = "reserve", _("后备干部")
        ACTIVIST = "activist", _("入党积极分子")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="reserve_cadres", verbose_name=_("村/社区"))
    resident = models.ForeignKey("governance.Resident", on_delete=models.PROTECT, related_name="reserve_entries",
                                 verbose_name=_("居民"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.RESERVE)
    since = models.DateField(_("入库日期"), default=timezone.localdate)
    left_on = models.DateField(_("出库日期"), null=True, blank=True)
    left_reason = models.CharField(_("出库原因"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}, "change": MANAGERS})

    class Meta:
        verbose_name = _("后备力量")
        verbose_name_plural = _("后备干部和入党积极分子")
        ordering = ["village__path", "-since"]
        constraints = [
            models.UniqueConstraint(fields=["village", "resident"], condition=Q(left_on__isnull=True),
                                    name="reserve_once_active"),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name}（{self.get_kind_display()}）"


class ReserveShortfall(models.Model):
    """Kept by the scheduled job: a village below the minimum, since when, and whether it was notified."""

    village = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="reserve_shortfall",
                                   verbose_name=_("村/社区"))
    count = models.PositiveIntegerField(_("现有人数"))
    since = models.DateTimeField(_("不足起始"), default=timezone.now)
    notified = models.BooleanField(_("已提醒"), default=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}})

    class Meta:
        verbose_name = _("后备力量不足")
        verbose_name_plural = _("后备力量不足")
        ordering = ["village__path"]

    def __str__(self) -> str:
        return f"{self.village.name}：{self.count}"


# --- Training ------------------------------------------------------------------------------------

class TrainingLevel(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    PARTY_SCHOOL = "party_school", _("县委党校")
    CLUSTER_SCHOOL = "cluster_school", _("片区中心校")
    NIGHT_SCHOOL = "night_school", _("农民夜校")


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=120)
    level = models.CharField(_("培训层级"), max_length=20, choices=TrainingLevel.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="courses", verbose_name=_("主办区域"))
    description = models.TextField(_("简介"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": COUNTY | TOWNSHIP,
                                                   "add": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("课程"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("举办区域"))
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    location = models.CharField(_("地点"), max_length=100, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES, "change": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="session_hours_range")]

    def __str__(self) -> str:
        return f"{self.course.title} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("centers:session_detail", args=[self.pk])


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("班次"))
    resident = models.ForeignKey("governance.Resident", on_delete=models.PROTECT, related_name="training_attendance",
                                 verbose_name=_("学员"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区域"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}})

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["-session__date", "resident__name"]
        constraints = [models.UniqueConstraint(fields=["session", "resident"], name="attendance_once")]
        # a cadre's hours in a year (the training-behind figures), without reading the whole year's rows
        indexes = [models.Index(fields=["resident", "year"], name="attendance_resident_year")]

    def __str__(self) -> str:
        return f"{self.resident.name} @ {self.session}"


class TrainingRequirement(models.Model):
    """Yearly training hours each village cadre must reach (county-configurable)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    hours = models.DecimalField(_("年度应完成学时"), max_digits=5, decimal_places=1)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": STAFF_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("年度学时要求")
        verbose_name_plural = _("年度学时要求")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}：{self.hours}"


# --- 两委 posts, 两考一评 stars, 头雁工程 ----------------------------------------------------------

class CommitteePost(models.Model):
    class Body(models.TextChoices):
        PARTY = "party", _("村（社区）党组织")
        VILLAGERS = "villagers", _("村（居）民委员会")
        ECONOMIC = "economic", _("集体经济组织")

    class Post(models.TextChoices):
        HEAD = "head", _("书记/主任/负责人")
        DEPUTY = "deputy", _("副职")
        MEMBER = "member", _("委员")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="committee_posts", verbose_name=_("村/社区"))
    resident = models.ForeignKey("governance.Resident", on_delete=models.PROTECT, related_name="committee_posts",
                                 verbose_name=_("任职人"))
    body = models.CharField(_("组织"), max_length=16, choices=Body.choices)
    post = models.CharField(_("职务"), max_length=16, choices=Post.choices)
    since = models.DateField(_("任职日期"), default=timezone.localdate)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}, "change": COUNTY | TOWNSHIP})

    class Meta:
        verbose_name = _("两委职务")
        verbose_name_plural = _("两委职务")
        ordering = ["village__path", "body", "post"]
        constraints = [
            models.UniqueConstraint(fields=["village", "body"], condition=Q(post="head"), name="committee_one_head"),
            models.UniqueConstraint(fields=["village", "body", "resident"], name="committee_one_post_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name}{self.get_body_display()}{self.get_post_display()}：{self.resident.name}"

    def get_absolute_url(self) -> str:
        """A 两委 post is shown on its village's page."""
        return self.village.get_absolute_url()


class StarRule(models.Model):
    """两考一评 → stars: the highest rule whose thresholds a secretary meets (county-configurable)."""

    stars = models.PositiveSmallIntegerField(_("星级"), unique=True)
    min_exam_average = models.DecimalField(_("两考平均分不低于"), max_digits=5, decimal_places=1)
    min_evaluation = models.DecimalField(_("一评得分不低于"), max_digits=5, decimal_places=1)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": STAFF_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("星级评定规则")
        verbose_name_plural = _("星级评定规则")
        ordering = ["stars"]
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="starrule_1_to_5")]

    def __str__(self) -> str:
        return f"{self.stars}★"


class SecretaryRating(models.Model):
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="secretary_ratings", verbose_name=_("村/社区"))
    secretary = models.ForeignKey("governance.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("书记"))
    year = models.PositiveSmallIntegerField(_("年度"))
    exam_theory = models.DecimalField(_("理论考试"), max_digits=5, decimal_places=1)
    exam_practice = models.DecimalField(_("实务考试"), max_digits=5, decimal_places=1)
    evaluation = models.DecimalField(_("综合评议"), max_digits=5, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("星级"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("评定人"))
    rated_at = models.DateTimeField(_("评定时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}, "change": COUNTY})

    class Meta:
        verbose_name = _("两考一评")
        verbose_name_plural = _("两考一评")
        ordering = ["-year", "village__path"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="rating_once_a_year"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name} {self.year}：{self.stars}★"


class LeadGooseMeasure(models.Model):
    """A 头雁工程 measure the county sets for village secretaries."""

    name = models.CharField(_("措施"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": STAFF_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("头雁工程措施")
        verbose_name_plural = _("头雁工程措施")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class LeadGooseMark(models.Model):
    measure = models.ForeignKey(LeadGooseMeasure, on_delete=models.PROTECT, related_name="marks", verbose_name=_("措施"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    done = models.BooleanField(_("已落实"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("标记人"))
    marked_at = models.DateTimeField(_("标记时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="village", roles={"view": STAFF_ROLES - {Role.GRID_LEADER}, "change": COUNTY})

    class Meta:
        verbose_name = _("头雁工程落实")
        verbose_name_plural = _("头雁工程落实")
        ordering = ["-year", "village__path", "measure__order"]
        constraints = [models.UniqueConstraint(fields=["measure", "village", "year"], name="leadgoose_once")]

    def __str__(self) -> str:
        return f"{self.village.name} {self.measure}"

    def get_absolute_url(self) -> str:
        """A 头雁工程 mark is shown on its village's page."""
        return self.village.get_absolute_url()
