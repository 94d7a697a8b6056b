"""The core: the region tree, households and residents, role assignments, audit log, notifications."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from . import pii
from .scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, RestrictedManager, RestrictedQuerySet, Role, ScopeSpec


def age_on(birth_date, today=None) -> int | None:
    """Whole years since `birth_date`. What every role sees instead of the birth date: the date is 8 of
    the 10 digits a masked ID number hides (see governance/lookups.py)."""
    if birth_date is None:
        return None
    today = today or timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class Region(models.Model):
    """A node of 县 → 乡镇/街道 → 村/社区 → 村民小组/小区(网格) → 楼栋.

    `path` is the materialized path: the significant digits of the statistical code (6 for the
    county, +3 per level). "Everything under X" is `path LIKE 'X%'` on one indexed column.
    Counties, townships and villages carry the 12-digit statistical code (zero-padded); groups and
    buildings extend it by three digits each (15 and 18 digits).
    """

    class Level(models.IntegerChoices):
        COUNTY = 1, _("县")
        TOWNSHIP = 2, _("乡镇/街道")
        VILLAGE = 3, _("村/社区")
        GROUP = 4, _("村民小组/小区（网格）")
        BUILDING = 5, _("楼栋")

    class Kind(models.TextChoices):
        COUNTY = "county", _("县")
        TOWNSHIP = "township", _("乡镇")
        SUBDISTRICT = "subdistrict", _("街道")
        VILLAGE = "village", _("行政村")
        COMMUNITY = "community", _("社区")
        GROUP = "group", _("村民小组")
        COMPOUND = "compound", _("小区")
        BUILDING = "building", _("楼栋")

    KIND_LEVEL = {
        Kind.COUNTY: Level.COUNTY,
        Kind.TOWNSHIP: Level.TOWNSHIP,
        Kind.SUBDISTRICT: Level.TOWNSHIP,
        Kind.VILLAGE: Level.VILLAGE,
        Kind.COMMUNITY: Level.VILLAGE,
        Kind.GROUP: Level.GROUP,
        Kind.COMPOUND: Level.GROUP,
        Kind.BUILDING: Level.BUILDING,
    }
    PATH_LENGTH = {1: 6, 2: 9, 3: 12, 4: 15, 5: 18}

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级"))
    code = models.CharField(_("统计代码"), max_length=18, unique=True)
    path = models.CharField(_("路径"), max_length=18, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, editable=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="self",
        roles={
            "view": frozenset(Role.values),
            "change": COUNTY | TOWNSHIP,
            "add": COUNTY | TOWNSHIP,
        },
    )

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class to use the index.
            models.Index(fields=["path"], name="region_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "path"], name="region_level_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level=1) & Q(parent__isnull=True)) | (Q(level__gt=1) & Q(parent__isnull=False)),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("region_detail", args=[self.pk])

    @staticmethod
    def path_from_code(code: str, level: int) -> str:
        return code[: Region.PATH_LENGTH[level]]

    @classmethod
    def prefix(cls, path: str, level: int) -> str:
        """The path of the ancestor at `level` of the region whose path is `path` (path arithmetic lives here)."""
        return path[: cls.PATH_LENGTH[level]]

    def path_at(self, level: int) -> str:
        """This region's ancestor's path at `level` (its own path at its own level)."""
        return self.prefix(self.path, level)

    @property
    def village_path(self) -> str:
        return self.path_at(self.Level.VILLAGE)

    @property
    def township_path(self) -> str:
        return self.path_at(self.Level.TOWNSHIP)

    @property
    def group_path(self) -> str:
        return self.path_at(self.Level.GROUP)

    def clean(self) -> None:
        self.level = self.KIND_LEVEL.get(self.kind, 0)
        if not self.level:
            raise ValidationError({"kind": _("未知的区域类型。")})
        code = (self.code or "").strip()
        want = 12 if self.level <= 3 else self.PATH_LENGTH[self.level]
        if not code.isdigit() or len(code) != want:
            raise ValidationError({"code": _("%(kind)s的统计代码应为%(n)d位数字。") % {"kind": self.get_kind_display(), "n": want}})
        sig = self.PATH_LENGTH[self.level]
        if self.level <= 3 and code[sig:] != "0" * (12 - sig):
            raise ValidationError({"code": _("%(kind)s的统计代码第%(n)d位之后应为0。") % {"kind": self.get_kind_display(), "n": sig}})
        if code[sig - 3 : sig] == "000":
            raise ValidationError({"code": _("本级代码段不能为000。")})
        if self.level == 1:
            if self.parent_id:
                raise ValidationError({"parent": _("县没有上级区域。")})
        else:
            if self.parent is None:
                raise ValidationError({"parent": _("请选择上级区域。")})
            if self.parent.level != self.level - 1:
                raise ValidationError({"parent": _("上级区域的层级不对：%(kind)s的上级应是上一级区域。") % {"kind": self.get_kind_display()}})
            if not code.startswith(self.parent.path):
                raise ValidationError({"code": _("统计代码应以上级区域代码 %(p)s 开头。") % {"p": self.parent.path}})
        self.path = self.path_from_code(code, self.level)

    def save(self, *args, **kwargs):
        self.level = self.KIND_LEVEL[self.kind]
        self.path = self.path_from_code(self.code, self.level)
        super().save(*args, **kwargs)

    def ancestors(self) -> models.QuerySet:
        prefixes = [self.path_at(level) for level, n in self.PATH_LENGTH.items() if n < len(self.path)]
        return Region.objects.filter(path__in=prefixes).order_by("level")

    def subtree(self) -> models.QuerySet:
        return Region.objects.filter(path__startswith=self.path)

    def ancestor_at(self, level: int) -> "Region | None":
        if self.level == level:
            return self
        return Region.objects.filter(path=self.path_at(level)).first() if self.level > level else None


class Household(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="households", verbose_name=_("所属区域"))
    number = models.CharField(_("户号"), max_length=32, unique=True)
    address = models.CharField(_("住址"), max_length=200)
    head = models.ForeignKey("Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("户主"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": STAFF_ROLES, "change": MANAGERS | {Role.VILLAGE_ASSISTANT}, "add": MANAGERS | {Role.VILLAGE_ASSISTANT}},
        owner="members__user",
        owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"

    def get_absolute_url(self) -> str:
        return reverse("household_detail", args=[self.pk])


class Resident(models.Model):
    class Status(models.TextChoices):
        RESIDENT = "home", _("在村")
        AWAY = "away", _("外出")

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("户"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="residents", verbose_name=_("所属区域"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="resident", verbose_name=_("登录账号"))
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    # The ID number: encrypted at rest, unique through its keyed hash, shown only masked.
    id_cipher = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    status = models.CharField(_("居住状态"), max_length=8, choices=Status.choices, default=Status.RESIDENT)
    away_location = models.CharField(_("现居地（外出）"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="region",
        roles={
            "view": STAFF_ROLES,
            "change": MANAGERS | {Role.VILLAGE_ASSISTANT},
            "add": MANAGERS | {Role.VILLAGE_ASSISTANT},
            # Who may see the full ID number, through the audited reveal action.
            "reveal": MANAGERS | {Role.VILLAGE_ASSISTANT},
        },
        owner="user",
        owner_actions=frozenset({"view"}),
        grants="governance.ResidentUserObjectPermission",
    )

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["region__path", "name", "id"]
        permissions = [("reveal_resident", _("查看完整身份证号"))]
        indexes = [models.Index(fields=["region", "name"], name="resident_region_name")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="away") | ~Q(away_location=""), name="resident_away_has_location"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        from .links import object_url

        return object_url("resident_detail", self.pk)

    def set_id_number(self, raw: str) -> None:
        parsed = pii.parse_id_number(raw)
        self.id_cipher = pii.encrypt(parsed.value)
        self.id_hash = pii.keyed_hash(parsed.value)
        self.id_masked = pii.mask_id(parsed.value)
        self.birth_date = parsed.birth_date
        self.gender = parsed.gender

    def set_phone(self, raw: str) -> None:
        value = pii.normalize_phone(raw) if raw else ""
        self.phone_cipher = pii.encrypt(value)
        self.phone_hash = pii.keyed_hash(value)
        self.phone_masked = pii.mask_phone(value)

    @property
    def age(self) -> int:
        return age_on(self.birth_date)


class ResidentUserObjectPermission(UserObjectPermissionBase):
    """Per-object grants on residents (guardian's direct-FK form: indexed, no generic join)."""

    content_object = models.ForeignKey(Resident, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("居民授权")
        verbose_name_plural = _("居民授权")


class RoleAssignmentQuerySet(RestrictedQuerySet):
    def current(self, on=None):
        """Assignments in force on `on` (today): confirmed, not ended, inside their term (both ends inclusive)."""
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), active=True, starts_on__lte=on)


class RoleAssignment(models.Model):
    """A role held in a region for a term. `active` is set while the assignment is confirmed and not ended;
    `starts_on`/`ends_on` bound the term (scoping counts only the days inside it). Ended and rejected rows stay:
    they are the history the level above reads."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待乡镇确认")
        ACTIVE = "active", _("在任")
        ENDED = "ended", _("已离任")
        REJECTED = "rejected", _("未通过")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("区域"))
    active = models.BooleanField(_("有效"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(_("任期开始"), default=timezone.localdate)
    ends_on = models.DateField(_("任期结束"), null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("任命人"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("提名人"))
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("免职人"))
    ended_at = models.DateTimeField(_("免职时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(RoleAssignmentQuerySet)()
    # Roles are granted by the county organisation department, a township head (its villages) and the
    # security administrator (三员分立); a village secretary proposes (governance.actions.role_propose).
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": COUNTY | TOWNSHIP | {Role.VILLAGE_SECRETARY, Role.SECURITY_ADMIN},
               "change": COUNTY | {Role.TOWNSHIP_HEAD, Role.SECURITY_ADMIN},
               "add": COUNTY | {Role.TOWNSHIP_HEAD, Role.SECURITY_ADMIN},
               "propose": COUNTY | {Role.TOWNSHIP_HEAD, Role.VILLAGE_SECRETARY, Role.SECURITY_ADMIN}},
        owner="user",
        owner_actions=frozenset({"view"}),
    )

    # The level each role is assigned at: a village secretary's scope is a village, not a county.
    ROLE_LEVELS = {
        Role.COUNTY_ADMIN: {1},
        Role.TOWNSHIP_HEAD: {2},
        Role.TOWNSHIP_STAFF: {2},
        Role.VILLAGE_SECRETARY: {3},
        Role.VILLAGE_ASSISTANT: {3},
        Role.GRID_LEADER: {4},
        Role.UNIT_STAFF: {2, 3},
        Role.RESIDENT: {3},
        Role.DEPARTMENT_STAFF: {1},
        Role.SYSTEM_ADMIN: {1},
        Role.SECURITY_ADMIN: {1},
        Role.AUDIT_ADMIN: {1},
    }

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        ordering = ["region__path", "role", "id"]
        constraints = [
            # one confirmed or proposed assignment per user, role and region; ended ones are the history
            models.UniqueConstraint(fields=["user", "role", "region"], condition=Q(status__in=["active", "proposed"]),
                                    name="role_assignment_unique_open"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="role_assignment_term_ordered"),
        ]
        indexes = [models.Index(fields=["user", "active"], name="role_assignment_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    def get_absolute_url(self) -> str:
        return reverse("role_assignment_detail", args=[self.pk])


class AccountProfile(models.Model):
    """What the portal keeps about a login beyond Django's user: the region it belongs to (the scope in which it
    is administered: a township's accounts by the county, a village's by its township) and whether its password
    must be changed at the next sign-in (a new account, a reset by the level above)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name=_("账号"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区域"))
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedManager()
    # 三员分立: the system administrator manages accounts, not roles; the county and a township head manage the
    # accounts inside their scope; the security administrator sees them to grant roles.
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": COUNTY | {Role.TOWNSHIP_HEAD, Role.VILLAGE_SECRETARY, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
               "change": COUNTY | {Role.TOWNSHIP_HEAD, Role.SYSTEM_ADMIN},
               "add": COUNTY | {Role.TOWNSHIP_HEAD, Role.SYSTEM_ADMIN}},
        owner="user",
        owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["region__path", "user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username

    def get_absolute_url(self) -> str:
        return reverse("account_detail", args=[self.pk])


class AuditEntry(models.Model):
    """Who did what to which object, when, from which state to which, and why. Append-only."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("区域"))
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (governance.audit_chain): set when the entry is sealed, just after its transaction
    # commits; `hash` is SHA-256 over the entry's canonical form and `prev_hash`, in `seq` order.
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False, default="", db_default="")  # set-based SQL inserts omit it
    hash = models.CharField(_("哈希"), max_length=64, blank=True, editable=False, default="", db_default="")

    objects = RestrictedManager()
    # The county reads everything; a township head reads what happened in the township (its staff's
    # exports, lookups and reveals included): oversight one level up. The audit administrator (三员分立)
    # reads the whole log and nothing else.
    scope_spec = ScopeSpec(region="region", roles={"view": COUNTY | {Role.TOWNSHIP_HEAD, Role.AUDIT_ADMIN}})

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_target"),
            # "how many exact lookups did this user make in the last hour" (the lookup rate limit)
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditChain(models.Model):
    """The audit log's chain head (one row, locked while entries are sealed) and its anchor: the last entry
    purged after the retention period, so that the kept entries still verify from there."""

    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)
    anchor_at = models.DateTimeField(null=True, blank=True)
    purged = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")

    def __str__(self) -> str:
        return f"{self.head_seq} {self.head_hash[:12]}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("接收人"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, owner="user", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class JobStatus(models.Model):
    """The last run of each scheduled job, so the county can see that background work is alive."""

    name = models.CharField(_("任务"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近完成"), null=True, blank=True)
    progress_done = models.BigIntegerField(_("已处理"), default=0)
    progress_total = models.BigIntegerField(_("总数"), default=0)
    last_result = models.JSONField(_("结果"), default=dict, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": COUNTY})

    class Meta:
        verbose_name = _("后台任务状态")
        verbose_name_plural = _("后台任务状态")

    def __str__(self) -> str:
        return self.name


class DashboardSummary(models.Model):
    """One dashboard section's figures for the children of one region, stored by the summary job
    (governance.dashboard.refresh) so that the county's page does not aggregate 500,000 rows live."""

    section = models.CharField(_("板块"), max_length=64)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    values = models.JSONField(_("数据"), default=dict)  # {child_path: {metric: value}}
    trend = models.JSONField(_("趋势"), default=dict)  # {"labels": [...], "series": {key: {village: [...]}}}
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("截止日期"))
    reads = models.JSONField(_("读取的表"), default=list)  # the tables read: the viewer's scope must cover them
    refreshed_at = models.DateTimeField(_("更新时间"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": MANAGERS})

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")
        constraints = [models.UniqueConstraint(fields=["section", "region"], name="dashboard_summary_unique")]

    def __str__(self) -> str:
        return f"{self.section} {self.region_id}"


def attachment_path(instance, filename):
    # Never the uploader's file name on disk: it may carry personal data.
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256[:32]}{instance.extension}"


class Attachment(models.Model):
    """A file attached to any object (an issue, an order, a credit record …), served only to those
    who may see that object (see views.attachment_download)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    mime = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()
    # Listing attachments by region is for staff; a download is decided by the target's own scope.
    scope_spec = ScopeSpec(region="region", roles={"view": STAFF_ROLES}, owner="uploaded_by",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_target")]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(self.mime, ".bin")

    def get_absolute_url(self) -> str:
        return reverse("attachment_download", args=[self.pk])


class ExportJob(models.Model):
    """A large Excel export running in the background; only its owner sees it and its file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")  # the file was deleted after the retention period

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs",
                             verbose_name=_("用户"))
    key = models.CharField(_("导出内容"), max_length=64)
    title = models.CharField(_("标题"), max_length=100)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)  # masked (pii.scrub): for people to read
    sealed_params = models.TextField(blank=True)  # the same filters unmasked, encrypted: for the worker only
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_done = models.BigIntegerField(_("已写行数"), default=0)
    rows_total = models.BigIntegerField(_("预计行数"), default=0)
    file_path = models.CharField(max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written by the worker while it writes the file; a sweeper fails jobs whose heartbeat stopped.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, owner="user", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])


class ImportJob(models.Model):
    """An uploaded spreadsheet: validated into a preview, then imported (all, or only valid rows)."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("校验中")  # a large file, parsed by the worker
        VALIDATED = "validated", _("已校验，待确认")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")  # not confirmed in time: the stored file was deleted

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs",
                             verbose_name=_("用户"))
    kind = models.CharField(_("导入内容"), max_length=32, default="residents")
    file = models.CharField(max_length=300)
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALIDATED)
    rows_total = models.IntegerField(_("总行数"), default=0)
    rows_valid = models.IntegerField(_("有效行数"), default=0)
    rows_imported = models.IntegerField(_("已导入行数"), default=0)
    only_valid = models.BooleanField(_("仅导入有效行"), default=False)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error = models.TextField(_("失败原因"), blank=True)  # why the job failed (not a row's error)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # what an import hands back once (the initial passwords of onboarded accounts): stored encrypted, deleted
    # when downloaded
    result_file = models.CharField(max_length=300, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, owner="user", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("import_job", args=[self.pk])


class ApiToken(models.Model):
    """An API token: its key is shown once and stored only as a hash; it expires, and its owner (or a
    password change) revokes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)  # the key's first characters, to tell tokens apart
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, owner="user", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()
