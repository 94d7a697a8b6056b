"""The "信用七条" village credit system: a versioned standard, records, computed and effective
grades, reviews with their timeline, objections, grade checks, consents, and the 家嫂 register."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Region, Resident
from governance.scoping import ADMINISTRATORS, COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, RestrictedManager, Role, ScopeSpec

ALL_ROLES = frozenset(Role.values)


class Grade(models.TextChoices):
    AAA = "AAA", _("AAA（诚信模范）")
    AA = "AA", _("AA（诚信）")
    A = "A", _("A（守信）")
    B = "B", _("B（基本守信）")
    C = "C", _("C（失信）")


# Higher is better; used for "at least A" rules and for ranking 家嫂.
GRADE_RANK = {"AAA": 5, "AA": 4, "A": 3, "B": 2, "C": 1}


class CriterionCode(models.TextChoices):
    """The seven criteria keep their identity across versions: records point at a code, each
    version sets the code's name, base, floor and ceiling."""

    LAW = "law", _("遵纪守法")
    CONTRACT = "contract", _("诚信履约")
    FILIAL = "filial", _("孝老爱亲")
    NEIGHBOUR = "neighbour", _("邻里和睦")
    CUSTOMS = "customs", _("移风易俗")
    HYGIENE = "hygiene", _("环境卫生")
    PUBLIC = "public", _("热心公益")


CRITERION_ORDER = list(CriterionCode.values)


class Standard(models.Model):
    class HouseholdRule(models.TextChoices):
        LOWEST = "lowest", _("按户内成员最低等级")
        HEAD = "head", _("按户主等级")

    version = models.PositiveIntegerField(_("版本"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    record_valid_days = models.PositiveIntegerField(_("记录有效期（天）"), default=1095)
    aaa_min = models.IntegerField(_("AAA 最低总分"))
    aa_min = models.IntegerField(_("AA 最低总分"))
    a_min = models.IntegerField(_("A 最低总分"))
    b_min = models.IntegerField(_("B 最低总分"))
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    household_rule = models.CharField(_("信用户评定规则"), max_length=16, choices=HouseholdRule.choices,
                                      default=HouseholdRule.LOWEST)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("制定人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY, "add": COUNTY})

    class Meta:
        verbose_name = _("信用标准")
        verbose_name_plural = _("信用标准")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(aaa_min__gt=models.F("aa_min")) & Q(aa_min__gt=models.F("a_min"))
                                   & Q(a_min__gt=models.F("b_min")), name="standard_thresholds_descend"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（V{self.version}）"

    def get_absolute_url(self) -> str:
        return reverse("credit:standard_detail", args=[self.pk])

    def grade_for(self, total: int) -> str:
        for grade, low in (("AAA", self.aaa_min), ("AA", self.aa_min), ("A", self.a_min), ("B", self.b_min)):
            if total >= low:
                return grade
        return "C"


class Criterion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("标准"))
    code = models.CharField(_("条目"), max_length=16, choices=CriterionCode.choices)
    name = models.CharField(_("名称"), max_length=50)
    base = models.IntegerField(_("基础分"))
    floor = models.IntegerField(_("最低分"))
    ceiling = models.IntegerField(_("最高分"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("信用条目")
        verbose_name_plural = _("信用条目")
        ordering = ["standard", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="criterion_once_per_standard"),
            models.CheckConstraint(condition=Q(floor__lte=models.F("base")) & Q(base__lte=models.F("ceiling"))
                                   & Q(floor__lt=models.F("ceiling")), name="criterion_bounds_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_loss(self) -> int:
        return self.base - self.floor

    @property
    def max_gain(self) -> int:
        return self.ceiling - self.base


class RecordType(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="record_types",
                                  verbose_name=_("条目"))
    name = models.CharField(_("记录类型"), max_length=60)
    points = models.IntegerField(_("分值"))
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("记录类型")
        verbose_name_plural = _("记录类型")
        ordering = ["criterion_id", "-points", "id"]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="record_type_points_nonzero")]

    def __str__(self) -> str:
        return f"{self.name}（{self.points:+d}）"


class CreditRecord(models.Model):
    """信用信息采集: one fact about one resident; counts only once verified by someone else."""

    class Source(models.TextChoices):
        GRID_VISIT = "grid_visit", _("网格走访")
        DEPARTMENT = "department", _("部门推送")
        SELF_DECLARED = "self", _("本人申报")
        VILLAGE = "village", _("村（社区）核实")

    class Status(models.TextChoices):
        PENDING = "pending", _("待核实")
        VERIFIED = "verified", _("已核实")
        REJECTED = "rejected", _("已驳回")

    # (no index of its own: `credit_record_scoring` leads with resident)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="credit_records",
                                 verbose_name=_("居民"), db_index=False)
    criterion = models.CharField(_("条目"), max_length=16, choices=CriterionCode.choices)
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录类型"),
                                    db_index=False)
    points = models.IntegerField(_("分值"))
    fact_date = models.DateField(_("事实发生日期"))
    evidence = models.TextField(_("证据说明"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("录入人"), db_index=False)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("核实人"), db_index=False)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    reject_reason = models.TextField(_("驳回理由"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="resident__region",
        roles={"view": STAFF_ROLES, "add": TOWNSHIP | VILLAGE_OFFICE | {Role.GRID_LEADER},
               "verify": VILLAGE_OFFICE},
        owner="resident__user", owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-entered_at", "-id"]
        indexes = [
            # The recompute's aggregate reads verified records of a resident range.
            models.Index(fields=["resident", "status", "fact_date"], name="credit_record_scoring"),
            models.Index(fields=["status", "entered_at"], name="credit_record_queue"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="credit_record_points_nonzero"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="credit_record_rejection_has_reason"),
            models.CheckConstraint(condition=Q(verified_by__isnull=True) | ~Q(verified_by=models.F("entered_by")),
                                   name="credit_record_verifier_not_author"),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} {self.points:+d}"

    def get_absolute_url(self) -> str:
        return reverse("credit:record_detail", args=[self.pk])

    def audit_region(self):
        return self.resident.region


class ResidentCredit(models.Model):
    """A resident's computed grade (written by the recompute job, set-based) and effective grade
    (written only when an approved, publicly noticed review takes effect)."""

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="credit", verbose_name=_("居民"))
    score_law = models.SmallIntegerField(_("遵纪守法"), default=0)
    score_contract = models.SmallIntegerField(_("诚信履约"), default=0)
    score_filial = models.SmallIntegerField(_("孝老爱亲"), default=0)
    score_neighbour = models.SmallIntegerField(_("邻里和睦"), default=0)
    score_customs = models.SmallIntegerField(_("移风易俗"), default=0)
    score_hygiene = models.SmallIntegerField(_("环境卫生"), default=0)
    score_public = models.SmallIntegerField(_("热心公益"), default=0)
    total = models.IntegerField(_("总分"))
    grade = models.CharField(_("计算等级"), max_length=3, choices=Grade.choices)
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+", verbose_name=_("计算所用标准"),
                                 db_index=False)
    computed_at = models.DateTimeField(_("计算结果变化时间"))
    effective_grade = models.CharField(_("生效等级"), max_length=3, choices=Grade.choices, blank=True)
    effective_standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("生效等级所用标准"), db_index=False)
    effective_since = models.DateField(_("生效日期"), null=True, blank=True)
    effective_review = models.ForeignKey("Review", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("生效依据"), db_index=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="resident__region", roles={"view": STAFF_ROLES}, owner="resident__user",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("居民信用等级")
        verbose_name_plural = _("居民信用等级")
        ordering = ["resident_id"]

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.effective_grade or '-'} / {self.grade}"

    def scores(self) -> dict[str, int]:
        return {code: getattr(self, f"score_{code}") for code in CRITERION_ORDER}


class Review(models.Model):
    """等级评议 of one resident in one village and period:
    draft (computed) → opinion (评议意见) → notice (approved by the secretary, 公示) → effective;
    the secretary may send an opinion back to draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待评议")
        OPINION = "opinion", _("待书记审批")
        NOTICE = "notice", _("公示中")
        EFFECTIVE = "effective", _("已生效")

    OPEN = ("draft", "opinion", "notice")

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="credit_reviews",
                                 verbose_name=_("居民"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）"),
                                db_index=False)
    period = models.CharField(_("评议期"), max_length=7)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+", verbose_name=_("标准"),
                                 db_index=False)
    computed_total = models.IntegerField(_("计算总分"))
    computed_grade = models.CharField(_("计算等级"), max_length=3, choices=Grade.choices)
    previous_grade = models.CharField(_("上次等级"), max_length=3, choices=Grade.choices, blank=True)
    proposed_grade = models.CharField(_("评议等级"), max_length=3, choices=Grade.choices)
    opinion = models.TextField(_("评议意见"), blank=True)
    adjust_reason = models.TextField(_("调整理由"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("审批人"), db_index=False)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT, Role.GRID_LEADER},
               "opinion": VILLAGE_OFFICE,
               "approve": frozenset({Role.VILLAGE_SECRETARY}),
               # The public notice: everyone registered in the village (and the offices above it).
               "notice": ALL_ROLES - ADMINISTRATORS},  # the public notice names residents
        owner="resident__user", owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("等级评议")
        verbose_name_plural = _("等级评议")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["village", "status"], name="credit_review_village"),
            models.Index(fields=["status", "notice_until"], name="credit_review_due"),
        ]
        constraints = [
            # One open review per resident: a rerun of the job cannot open a second one.
            models.UniqueConstraint(fields=["resident"], condition=Q(status__in=("draft", "opinion", "notice")),
                                    name="credit_review_one_open"),
            models.CheckConstraint(condition=Q(proposed_grade=models.F("computed_grade")) | ~Q(adjust_reason=""),
                                   name="credit_review_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.proposed_grade}"

    def get_absolute_url(self) -> str:
        return reverse("credit:review_detail", args=[self.pk])

    def audit_region(self):
        return self.village

    @property
    def differs(self) -> bool:
        return self.proposed_grade != (self.previous_grade or "")


class ReviewEvent(models.Model):
    """The review's timeline: one row per state change."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events", verbose_name=_("评议"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"), db_index=False)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("评议记录")
        verbose_name_plural = _("评议记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_label}→{self.to_label}"

    @property
    def from_label(self) -> str:
        return Review.Status(self.from_status).label if self.from_status in Review.Status.values else "—"

    @property
    def to_label(self) -> str:
        return Review.Status(self.to_status).label if self.to_status in Review.Status.values else self.to_status


class Objection(models.Model):
    """异议 raised by the resident during the public notice; an open one holds the grade back."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    class Decision(models.TextChoices):
        KEEP = "keep", _("维持评议等级")
        CHANGE = "change", _("改为新的等级")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="objections", verbose_name=_("评议"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("提出人"))
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    reason = models.TextField(_("异议理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("答复"), blank=True)
    decision = models.CharField(_("处理结果"), max_length=10, choices=Decision.choices, blank=True)
    new_grade = models.CharField(_("更正后等级"), max_length=3, choices=Grade.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="review__resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT}, "answer": VILLAGE_OFFICE},
        owner="review__resident__user", owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | ~Q(answer=""), name="credit_objection_answered_text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}：{self.reason[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("credit:objection_detail", args=[self.pk])

    def audit_region(self):
        return self.review.village


class CheckPurpose(models.Model):
    """What a grade is checked for, and the rule applied (county-configured)."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("用途"), max_length=30, unique=True)
    min_grade = models.CharField(_("最低等级要求"), max_length=3, choices=Grade.choices)
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": ALL_ROLES, "change": COUNTY})

    class Meta:
        verbose_name = _("查询用途")
        verbose_name_plural = _("查询用途")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """The resident's consent that one unit (a bank, a credit cooperative) may check their grade."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="credit_consents",
                                 verbose_name=_("居民"))
    unit = models.ForeignKey("centers.Unit", on_delete=models.PROTECT, related_name="credit_consents",
                             verbose_name=_("单位"))
    purpose = models.ForeignKey(CheckPurpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("用途"))
    valid_until = models.DateField(_("有效期至"))
    evidence = models.CharField(_("授权凭证"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT}, "add": VILLAGE_OFFICE},
        owner="resident__user", owner_actions=frozenset({"view", "change"}),
    )

    class Meta:
        verbose_name = _("查询授权")
        verbose_name_plural = _("查询授权")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.purpose}"


class GradeCheck(models.Model):
    """结果应用: one check of one resident's effective grade, kept forever exactly as it was seen."""

    class Result(models.TextChoices):
        PASS = "pass", _("符合")
        FAIL = "fail", _("不符合")

    purpose = models.ForeignKey(CheckPurpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("用途"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="credit_checks",
                                 verbose_name=_("居民"))
    grade_seen = models.CharField(_("当时生效等级"), max_length=3, blank=True)
    standard_seen = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("等级所用标准"))
    rule = models.CharField(_("适用规则"), max_length=100)
    result = models.CharField(_("结果"), max_length=4, choices=Result.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("查询人"))
    unit = models.ForeignKey("centers.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("查询单位"))
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("授权"))
    checked_at = models.DateTimeField(_("查询时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT}, "check": MANAGERS | {Role.VILLAGE_ASSISTANT}},
        owner="asked_by", owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("等级查询")
        verbose_name_plural = _("等级查询")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.grade_seen or '-'} {self.get_result_display()}"

    def get_absolute_url(self) -> str:
        return reverse("credit:check_detail", args=[self.pk])

    def audit_region(self):
        return self.resident.region


# No 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken. 31 symbols ** 16 ≈ 2**79.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def normalize_code(text: str) -> str:
    """What a person typed (dashes, spaces, lower case) → the stored form, or "" if it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else ""



class CreditCertificate(models.Model):
    """信用等级证明: issued from one check (参军政审, a loan, 入党), carrying what the check saw and the
    explanation of the grade as it stood, and a verification code anyone can check on the public page
    /verify/ — which tells only whether the certificate is valid."""

    grade_check = models.OneToOneField(GradeCheck, on_delete=models.PROTECT, related_name="certificate",
                                 verbose_name=_("等级查询"))
    code = models.CharField(_("核验码"), max_length=16, unique=True)
    explanation = models.JSONField(_("等级说明（出具时）"), default=dict)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("出具人"))
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = RestrictedManager()
    # As the check it comes from: the offices of the resident's place, and whoever asked (a bank's staff).
    scope_spec = ScopeSpec(
        region="grade_check__resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT}, "change": MANAGERS | {Role.VILLAGE_ASSISTANT}},
        owner="grade_check__asked_by", owner_actions=frozenset({"view", "change"}),
    )

    class Meta:
        verbose_name = _("信用等级证明")
        verbose_name_plural = _("信用等级证明")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.grade_check.purpose} · {self.code_display}"

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    def status_on(self, day) -> str:
        if self.revoked_at:
            return "revoked"
        return "valid" if day <= self.valid_until else "expired"

    def get_absolute_url(self) -> str:
        return reverse("credit:certificate_detail", args=[self.pk])

    def audit_region(self):
        return self.grade_check.resident.region


class DomesticWorker(models.Model):
    """家嫂 register: a resident who takes domestic work, with skills, certificates and stars."""

    resident = models.OneToOneField(Resident, on_delete=models.PROTECT, related_name="domestic_worker",
                                    verbose_name=_("居民"))
    skills = models.CharField(_("技能"), max_length=200, help_text=_("用顿号或逗号分隔，如：育婴、保洁、护理"))
    certificates = models.CharField(_("证书"), max_length=200, blank=True)
    stars = models.PositiveSmallIntegerField(_("星级"))
    available = models.BooleanField(_("可接单"), default=True)
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="resident__region",
        roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT}, "change": MANAGERS | {Role.VILLAGE_ASSISTANT},
               "add": MANAGERS | {Role.VILLAGE_ASSISTANT}},
        owner="resident__user", owner_actions=frozenset({"view"}),
    )

    class Meta:
        verbose_name = _("家嫂")
        verbose_name_plural = _("家嫂登记")
        ordering = ["-stars", "id"]
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="worker_stars_1_5")]

    def __str__(self) -> str:
        return f"{self.resident.name}（{self.stars}★）"

    def get_absolute_url(self) -> str:
        return reverse("credit:worker_detail", args=[self.pk])

    def audit_region(self):
        return self.resident.region


class WorkerRequest(models.Model):
    """An employer's request for a 家嫂; its shortlist is ranked live from the register."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务范围"))
    employer = models.CharField(_("雇主"), max_length=60)
    skill = models.CharField(_("所需技能"), max_length=30)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": MANAGERS | {Role.VILLAGE_ASSISTANT},
                                                   "add": MANAGERS | {Role.VILLAGE_ASSISTANT}})

    class Meta:
        verbose_name = _("家嫂用工需求")
        verbose_name_plural = _("家嫂用工需求")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.employer}：{self.skill}"

    def get_absolute_url(self) -> str:
        return reverse("credit:request_detail", args=[self.pk])
