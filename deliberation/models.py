"""三村议事: councils, deliberation topics (本地村 / 外地村 / 网上村), one tally, resolutions and follow-up.

Village self-governance with its own tables. It imports only `governance`; what carries a resolution
out (a micro-work, a service order, a center work item) is linked through a generic relation.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Region, Resident
from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, RestrictedManager, Role, ScopeSpec

# Who reads deliberation: the village's staff and its villagers (migrants hold their role at home).
READERS = STAFF_ROLES | {Role.RESIDENT}
# Who runs it: the village office (secretary convenes, assistant records) and the township/county above.
ORGANISERS = MANAGERS | {Role.VILLAGE_ASSISTANT}


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("本地村（现场）")
    REMOTE = "remote", _("外地村（远程）")
    ONLINE = "online", _("网上村（线上）")


class Council(models.Model):
    """理事会: a village's standing body that deliberates and supervises (监督管理)."""

    class Kind(models.TextChoices):
        DELIBERATION = "deliberation", _("村民议事会")
        SUPERVISION = "supervision", _("村务监督委员会")
        ELDERS = "elders", _("乡贤理事会")
        CUSTOMS = "customs", _("红白理事会")
        CONSTRUCTION = "construction", _("建设理事会")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="councils", verbose_name=_("村/社区"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    duties = models.TextField(_("职责"), blank=True)
    founded_on = models.DateField(_("成立日期"), default=timezone.localdate)
    active = models.BooleanField(_("在任"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS})

    class Meta:
        verbose_name = _("理事会")
        verbose_name_plural = _("理事会")
        ordering = ["region__path", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="council_name_unique_in_village")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deliberation:council_detail", args=[self.pk])


class CouncilMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("会长/主任")
        VICE_CHAIR = "vice_chair", _("副会长/副主任")
        MEMBER = "member", _("成员")
        SUPERVISOR = "supervisor", _("监督员")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("理事会"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="council_memberships",
                                 verbose_name=_("村民"))
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="council__region", roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS})

    class Meta:
        verbose_name = _("理事会成员")
        verbose_name_plural = _("理事会成员")
        ordering = ["council", "role", "term_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "resident", "term_start"], name="council_member_unique_term"),
            models.CheckConstraint(condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                                   name="council_member_term_order"),
        ]

    def __str__(self) -> str:
        return f"{self.council} · {self.resident.name}"

    def get_absolute_url(self) -> str:  # a member is shown on the council's page
        return reverse("deliberation:council_detail", args=[self.council_id])

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)


class Topic(models.Model):
    """议题: convened under the village party organisation, decided in one tally across three channels."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("方案表决（同意/反对/弃权）")
        CHOICE = "choice", _("多选一")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        OPEN = "open", _("议事中")
        CLOSED = "closed", _("已结束")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="deliberation_topics",
                               verbose_name=_("村/社区"))
    title = models.CharField(_("议题"), max_length=200)
    background = models.TextField(_("背景与材料"))
    kind = models.CharField(_("表决方式"), max_length=16, choices=Kind.choices, default=Kind.PROPOSAL)
    eligible_groups = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("参与的村民小组"),
                                             help_text=_("不选则全村年满18周岁的村民均可参与。"))
    opens_at = models.DateTimeField(_("线上/远程议事开始"))
    closes_at = models.DateTimeField(_("线上/远程议事截止"))
    meeting_at = models.DateTimeField(_("现场会议时间"), null=True, blank=True)
    meeting_place = models.CharField(_("现场会议地点"), max_length=200, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    quorum_percent = models.PositiveSmallIntegerField(_("参与率要求（%）"), default=50,
                                                      help_text=_("参与表决的村民占有表决权村民的最低比例。"))
    majority_percent = models.PositiveSmallIntegerField(_("通过比例（%）"), default=50,
                                                        help_text=_("得票须超过参与表决人数的该比例，50即过半数。"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # 无记名投票: who took part is recorded (Vote), what each chose is not — only counts (BallotCount).
    secret = models.BooleanField(_("无记名投票"), default=False,
                                 help_text=_("无记名投票时，任何人（包括村干部和数据库管理员）都无法知道某位村民投了什么；"
                                             "结果在表决结束后公布，投票后不能更改。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("召集人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Set by the scheduled job when it told the village office that the online/remote window ended.
    window_end_notified_at = models.DateTimeField(_("截止提醒时间"), null=True, blank=True, editable=False)
    # The result, written once when the topic closes and never changed afterwards.
    result = models.JSONField(_("表决结果"), default=dict, blank=True, editable=False)
    eligible_count = models.PositiveIntegerField(_("有表决权人数"), null=True, blank=True, editable=False)
    turnout = models.PositiveIntegerField(_("参与表决人数"), null=True, blank=True, editable=False)
    quorum_met = models.BooleanField(_("达到参与率"), null=True, editable=False)
    passed = models.BooleanField(_("通过"), null=True, editable=False)
    winning_option = models.ForeignKey("TopicOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       editable=False, verbose_name=_("通过的选项"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(
        region="region",
        roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS, "close": MANAGERS, "vote": {Role.RESIDENT}},
    )

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["region", "status", "opens_at"], name="topic_village_status")]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="topic_window_order"),
            models.CheckConstraint(condition=Q(quorum_percent__gte=1, quorum_percent__lte=100), name="topic_quorum_range"),
            models.CheckConstraint(condition=Q(majority_percent__gte=50, majority_percent__lte=99),
                                   name="topic_majority_range"),
            models.CheckConstraint(condition=Q(status__in=["draft", "open", "closed"]), name="topic_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:topic_detail", args=[self.pk])

    def window_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now <= self.closes_at


class TopicOption(models.Model):
    class Meaning(models.TextChoices):
        FOR = "for", _("同意")
        AGAINST = "against", _("反对")
        ABSTAIN = "abstain", _("弃权")
        CHOICE = "choice", _("选项")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="options", verbose_name=_("议题"))
    label = models.CharField(_("选项"), max_length=100)
    meaning = models.CharField(_("含义"), max_length=8, choices=Meaning.choices, default=Meaning.CHOICE)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("表决选项")
        verbose_name_plural = _("表决选项")
        ordering = ["topic", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "label"], name="topic_option_label_unique")]

    def __str__(self) -> str:
        return self.label


class Vote(models.Model):
    """One villager's one place in the tally, whichever channel (the unique constraint is the rule).

    An in-person row is the villager's sign-in at the meeting: their choice is counted in the
    recorder's show-of-hands tally (HandTally), so `option` stays empty; remote and online rows
    carry the villager's own choice — except on a secret topic, where the row only records that the
    villager took part and the choice goes, unlinked, into BallotCount.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="votes", verbose_name=_("议题"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="deliberation_votes",
                                 verbose_name=_("村民"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    option = models.ForeignKey(TopicOption, null=True, blank=True, on_delete=models.PROTECT, related_name="votes",
                               verbose_name=_("选择"))
    cast_at = models.DateTimeField(_("时间"), default=timezone.now)
    changed_at = models.DateTimeField(_("更改时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": ORGANISERS}, owner="resident__user",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("表决记录")
        verbose_name_plural = _("表决记录")
        ordering = ["topic", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "resident"], name="vote_one_per_villager"),
            # A remote/online row without an option is a secret topic's record of participation.
            models.CheckConstraint(
                condition=(Q(channel="in_person") & Q(option__isnull=True)) | Q(channel__in=["remote", "online"]),
                name="vote_option_matches_channel_v2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.resident.name} · {self.get_channel_display()}"


class BallotCount(models.Model):
    """票箱: a secret topic's remote and online ballots, as counts per option — no row per ballot.

    A row per ballot cannot be kept apart from its voter inside one transaction: PostgreSQL stamps every
    row with the inserting transaction (the `xmin` any SELECT can read), the same on the ballot as on the
    voter's Vote row, and lays rows out in insertion order (`ctid`). So a ballot is one `count + 1` in an
    UPDATE that rewrites every count of the topic at once: all of them then carry the same transaction
    and command, and nothing stored says which one moved. The key is a random UUID (no sequence); there is
    no timestamp, no voter and no channel (a lone migrant's remote vote would show in a per-channel count).
    The counts are read only once the topic is closed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="ballot_counts", verbose_name=_("议题"))
    option = models.ForeignKey(TopicOption, on_delete=models.CASCADE, related_name="ballot_counts",
                               verbose_name=_("选项"))
    count = models.PositiveIntegerField(_("票数"), default=0)

    objects = RestrictedManager()
    # Read by the tally once the topic is closed; no page lists the rows.
    scope_spec = ScopeSpec(region="topic__region", roles={"view": ORGANISERS})

    class Meta:
        verbose_name = _("无记名票箱")
        verbose_name_plural = _("无记名票箱")
        constraints = [models.UniqueConstraint(fields=["topic", "option"], name="ballot_count_once_per_option")]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.option_id}"


class Attendance(models.Model):
    """Who took part and how: signed in at the meeting (by staff), or joined remotely / online."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("议题"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="deliberation_attendances",
                                 verbose_name=_("村民"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": ORGANISERS}, owner="resident__user",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("参会记录")
        verbose_name_plural = _("参会记录")
        ordering = ["topic", "channel", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "resident", "channel"], name="attendance_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.resident.name}"


class HandTally(models.Model):
    """The recorder's show-of-hands count for one option at the in-person meeting."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="hand_tallies", verbose_name=_("议题"))
    option = models.ForeignKey(TopicOption, on_delete=models.CASCADE, related_name="hand_tallies", verbose_name=_("选项"))
    count = models.PositiveIntegerField(_("举手人数"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("现场举手计票")
        verbose_name_plural = _("现场举手计票")
        constraints = [models.UniqueConstraint(fields=["topic", "option"], name="hand_tally_once_per_option")]


class Comment(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments", verbose_name=_("议题"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("发言人"))
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("村民"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, blank=True)
    body = models.TextField(_("发言"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS}, owner="author",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("议事发言")
        verbose_name_plural = _("议事发言")
        ordering = ["topic", "created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="comment_topic_time")]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def speaker(self) -> str:
        if self.resident_id:
            return self.resident.name
        return self.author.get_full_name() or self.author.username


class TopicEvent(models.Model):
    """The topic's timeline: one row per state change or recorded step."""

    class Action(models.TextChoices):
        CREATE = "create", _("发起议题")
        PROPOSAL = "proposal", _("村民提议列入议程")
        UPDATE = "update", _("修改议题")
        OPEN = "open", _("发布并邀请村民")
        SIGN_IN = "sign_in", _("现场签到")
        HAND_TALLY = "hand_tally", _("登记现场举手表决")
        MINUTES = "minutes", _("记录会议纪要")
        CLOSE = "close", _("结束表决，结果锁定")
        RESOLUTION = "resolution", _("公布决议")
        LINK = "link", _("关联落实事项")
        SUPERVISION = "supervision", _("理事会监督记录")
        DONE = "done", _("决议办结")
        PROCEDURE = "procedure", _("四议两公开")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events", verbose_name=_("议题"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    action = models.CharField(_("事项"), max_length=32, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("议题进程")
        verbose_name_plural = _("议题进程")
        ordering = ["topic", "at", "id"]


class Resolution(models.Model):
    """决议: the outcome, published to the village, followed up until done."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("落实中")
        DONE = "done", _("已办结")

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="resolution", verbose_name=_("议题"))
    text = models.TextField(_("决议内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    published_at = models.DateTimeField(_("公布时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("记录人"))
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS, "change": ORGANISERS})

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-published_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=["in_progress", "done"]),
                                              name="resolution_status_valid")]

    def __str__(self) -> str:
        return f"{self.topic.title}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:topic_detail", args=[self.topic_id]) + "#resolution"

    def audit_region(self):
        return self.topic.region


class ResolutionLink(models.Model):
    """What carries a resolution out — any object of another app, chosen from what the user may see."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="links", verbose_name=_("决议"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("名称"), max_length=200)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("关联人"))
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="resolution__topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["resolution", "linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["resolution", "content_type", "object_id"],
                                               name="resolution_link_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="resolution_link_target")]

    def __str__(self) -> str:
        return self.label

    @property
    def target_kind(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name) if model else ""


class SupervisionNote(models.Model):
    """The council's supervision of a resolution's follow-up (监督管理)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="notes", verbose_name=_("决议"))
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT, related_name="notes",
                                verbose_name=_("理事会"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("记录人"))
    body = models.TextField(_("监督记录"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="resolution__topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("监督记录")
        verbose_name_plural = _("监督记录")
        ordering = ["resolution", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def author_name(self) -> str:
        return self.author.get_full_name() or self.author.username


class VillageCharter(models.Model):
    """村民自治章程's rules for villagers' own proposals: how many must support one before the council has
    to put it on the agenda (村民委员会组织法: one tenth of the villagers may call for a village meeting)."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="deliberation_charter",
                                  verbose_name=_("村/社区"))
    proposal_support_percent = models.PositiveSmallIntegerField(
        _("提议附议比例（%）"), default=10, help_text=_("附议的村民达到有表决权村民的该比例，理事会必须将提议列入议程。"))
    proposal_window_days = models.PositiveSmallIntegerField(_("征集附议天数"), default=30)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS})

    DEFAULT_PERCENT, DEFAULT_DAYS = 10, 30

    class Meta:
        verbose_name = _("村民提议规则")
        verbose_name_plural = _("村民提议规则")
        constraints = [
            models.CheckConstraint(condition=Q(proposal_support_percent__gte=1, proposal_support_percent__lte=100),
                                   name="charter_support_percent_range"),
            models.CheckConstraint(condition=Q(proposal_window_days__gte=1, proposal_window_days__lte=365),
                                   name="charter_window_range"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}"


class Proposal(models.Model):
    """村民提议: a villager proposes a topic; once enough eligible villagers support it (the charter's
    share, fixed when it is proposed), the village office must put it on the agenda and publish why and how."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集附议")
        QUALIFIED = "qualified", _("已达附议人数，待列入议程")
        ON_AGENDA = "on_agenda", _("已列入议程")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="deliberation_proposals",
                               verbose_name=_("村/社区"))
    title = models.CharField(_("提议事项"), max_length=200)
    body = models.TextField(_("提议内容与理由"))
    proposer = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="deliberation_proposals",
                                 verbose_name=_("提议人"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("提交账号"))
    created_at = models.DateTimeField(_("提议时间"), default=timezone.now)
    collects_until = models.DateField(_("征集附议截止"))
    eligible_count = models.PositiveIntegerField(_("有表决权人数"))
    support_needed = models.PositiveIntegerField(_("需附议人数"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING,
                              db_index=True)
    qualified_at = models.DateTimeField(_("达到附议人数时间"), null=True, blank=True)
    topic = models.OneToOneField(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal",
                                 verbose_name=_("列入的议题"))
    decision = models.TextField(_("理事会决定与理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("决定人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": READERS, "change": ORGANISERS, "support": {Role.RESIDENT}})

    class Meta:
        verbose_name = _("村民提议")
        verbose_name_plural = _("村民提议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["collecting", "qualified", "on_agenda"]),
                                   name="proposal_status_valid"),
            # On the agenda means a topic and a published decision.
            models.CheckConstraint(condition=~Q(status="on_agenda") | (Q(topic__isnull=False) & ~Q(decision="")),
                                   name="proposal_agenda_has_decision"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:proposal_detail", args=[self.pk])

    @property
    def lapsed(self) -> bool:
        return self.status == self.Status.COLLECTING and self.collects_until < timezone.localdate()


class ProposalSupport(models.Model):
    """附议: one eligible villager's support of a proposal (once; the proposer is the first)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("提议"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="deliberation_supports",
                                 verbose_name=_("村民"))
    at = models.DateTimeField(_("附议时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="proposal__region", roles={"view": ORGANISERS}, owner="resident__user",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        ordering = ["proposal", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "resident"], name="proposal_support_once")]


# --- 四议两公开: the procedure a village decision follows ---------------------------------------------

# Who checks a self-built project's acceptance: the township (and the county above it), not the village.
COUNTY_TOWNSHIP = COUNTY | TOWNSHIP


class ProcedureStage(models.TextChoices):
    """The six steps in their order; a procedure's stage is the step it waits for next."""

    PROPOSE = "propose", _("党支部提议")
    CONSULT = "consult", _("两委商议")
    REVIEW = "review", _("党员大会审议")
    RESOLVE = "resolve", _("村民代表会议决议")
    PUBLISH = "publish", _("决议公开")
    REPORT = "report", _("实施结果公开")


PROCEDURE_ORDER = [s.value for s in ProcedureStage]
# The steps that are meetings (attendance recorded), that vote (for/against), that publish to the village.
MEETING_STAGES = frozenset({ProcedureStage.CONSULT, ProcedureStage.REVIEW, ProcedureStage.RESOLVE})
VOTING_STAGES = frozenset({ProcedureStage.REVIEW, ProcedureStage.RESOLVE})
PUBLIC_STAGES = frozenset({ProcedureStage.PUBLISH, ProcedureStage.REPORT})


class Procedure(models.Model):
    """四议两公开: a topic decided by the village's procedure — 党支部提议、两委商议、党员大会审议、村民代表会议决议,
    then 决议公开 and 实施结果公开 — each step recorded once, in this order only."""

    class Status(models.TextChoices):
        PROPOSE = "propose", _("待党支部提议")
        CONSULT = "consult", _("待两委商议")
        REVIEW = "review", _("待党员大会审议")
        RESOLVE = "resolve", _("待村民代表会议决议")
        PUBLISH = "publish", _("待决议公开")
        REPORT = "report", _("待实施结果公开")
        DONE = "done", _("已完成")
        STOPPED = "stopped", _("未获通过，程序终止")

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="procedure", verbose_name=_("议题"))
    status = models.CharField(_("进度"), max_length=8, choices=Status.choices, default=Status.PROPOSE, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发起人"))
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="topic__region", roles={"view": READERS, "change": ORGANISERS})

    class Meta:
        verbose_name = _("四议两公开")
        verbose_name_plural = _("四议两公开")
        ordering = ["-started_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(status__in=["propose", "consult", "review", "resolve", "publish", "report", "done", "stopped"]),
            name="procedure_status_valid")]

    def __str__(self) -> str:
        return str(self.topic)

    def get_absolute_url(self) -> str:
        return reverse("deliberation:topic_detail", args=[self.topic_id]) + "#procedure"

    def audit_region(self):
        return self.topic.region


class ProcedureStep(models.Model):
    """One recorded step: who recorded it and when, the meeting (held when, how many of how many present,
    for/against where it votes), a summary of its minutes; attachments through governance.attachments."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("四议两公开"))
    stage = models.CharField(_("步骤"), max_length=8, choices=ProcedureStage.choices)
    held_at = models.DateTimeField(_("会议/公开时间"))
    expected = models.PositiveIntegerField(_("应到人数"), null=True, blank=True)
    present = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True)
    summary = models.TextField(_("纪要/公开内容"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="procedure__topic__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("四议两公开步骤")
        verbose_name_plural = _("四议两公开步骤")
        ordering = ["procedure", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "stage"], name="procedure_step_once"),
            models.CheckConstraint(condition=Q(present__isnull=True) | Q(expected__isnull=True)
                                   | Q(present__lte=models.F("expected")), name="procedure_step_present_le_expected"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} · {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return self.procedure.get_absolute_url()

    def audit_region(self):
        return self.procedure.topic.region

    @property
    def is_public(self) -> bool:
        return self.stage in (ProcedureStage.PUBLISH, ProcedureStage.REPORT)


# --- 村级三资 and 财务公开: the village's income and spending, published monthly -------------------------

class LedgerMonth(models.Model):
    """One village's month of accounts. Published, it is frozen: its lines never change again (a correction
    is a new line in an open month that names the line it corrects)."""

    class Status(models.TextChoices):
        OPEN = "open", _("录入中")
        PUBLISHED = "published", _("已公开")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="ledger_months", verbose_name=_("村/社区"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("公开人"))

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS})

    class Meta:
        verbose_name = _("财务公开月份")
        verbose_name_plural = _("财务公开月份")
        ordering = ["-month", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="ledger_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="ledger_month_first_day"),
            models.CheckConstraint(condition=Q(status="open") | Q(published_at__isnull=False),
                                   name="ledger_month_published_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.month:%Y}年{self.month.month}月"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:ledger_month_detail", args=[self.pk])


class LedgerLine(models.Model):
    """收支明细: one income or spending line with its voucher's number and summary."""

    class Kind(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    class Category(models.TextChoices):
        OPERATING_FUND = "operating_fund", _("村级运转经费（6万元）")
        COLLECTIVE = "collective", _("集体经营收入")
        LEASE = "lease", _("资产资源发包租赁")
        SUBSIDY = "subsidy", _("上级补助")
        PROJECT = "project", _("项目资金")
        SALARY = "salary", _("村干部报酬")
        OFFICE = "office", _("办公及水电")
        INFRASTRUCTURE = "infrastructure", _("基础设施建设")
        WELFARE = "welfare", _("公益事业与帮扶")
        OTHER = "other", _("其他")

    month = models.ForeignKey(LedgerMonth, on_delete=models.PROTECT, related_name="lines", verbose_name=_("月份"))
    kind = models.CharField(_("收支"), max_length=8, choices=Kind.choices)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    occurred_on = models.DateField(_("日期"))
    counterparty = models.CharField(_("收付对象"), max_length=100)
    voucher_no = models.CharField(_("凭证号"), max_length=40)
    voucher_summary = models.CharField(_("凭证摘要"), max_length=300)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
                                 verbose_name=_("更正的记录"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="month__region", roles={"view": READERS, "ask": {Role.RESIDENT}})

    class Meta:
        verbose_name = _("收支明细")
        verbose_name_plural = _("收支明细")
        ordering = ["month", "occurred_on", "id"]
        indexes = [models.Index(fields=["month", "kind"], name="ledger_line_month_kind")]
        constraints = [
            # An ordinary line is positive; only a correction may take an amount back (negative).
            models.CheckConstraint(condition=Q(amount__gt=0) | (Q(corrects__isnull=False) & ~Q(amount=0)),
                                   name="ledger_line_amount_sign"),
            models.CheckConstraint(condition=Q(kind__in=["income", "expense"]), name="ledger_line_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_no} {self.voucher_summary[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:ledger_month_detail", args=[self.month_id]) + f"#line-{self.pk}"

    def audit_region(self):
        return self.month.region


class LedgerQuestion(models.Model):
    """A villager's question on a published line, and the village office's answer."""

    class Status(models.TextChoices):
        ASKED = "asked", _("待答复")
        ANSWERED = "answered", _("已答复")

    line = models.ForeignKey(LedgerLine, on_delete=models.PROTECT, related_name="questions", verbose_name=_("收支明细"))
    asker = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="ledger_questions",
                              verbose_name=_("提问村民"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("提问账号"))
    body = models.TextField(_("问题"))
    asked_at = models.DateTimeField(_("提问时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ASKED, db_index=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="line__month__region", roles={"view": READERS, "change": ORGANISERS})

    class Meta:
        verbose_name = _("财务公开提问")
        verbose_name_plural = _("财务公开提问")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="asked") | (~Q(answer="") & Q(answered_at__isnull=False)),
                                   name="ledger_question_answered_has_answer"),
        ]

    def __str__(self) -> str:
        return self.body[:40]

    def get_absolute_url(self) -> str:
        return self.line.get_absolute_url()

    def audit_region(self):
        return self.line.month.region


# --- 自建自管: small projects the villagers build and run themselves -------------------------------------

class SelfBuildProject(models.Model):
    """A small village project the villagers' meeting chose to build themselves; the township accepts it."""

    class Status(models.TextChoices):
        BUILDING = "building", _("施工中")
        SUBMITTED = "submitted", _("待乡镇验收")
        RETURNED = "returned", _("验收退回整改")
        ACCEPTED = "accepted", _("验收合格")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="self_build_projects",
                               verbose_name=_("村/社区"))
    name = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("建设内容"))
    budget = models.DecimalField(_("预算（元）"), max_digits=12, decimal_places=2)
    decided_on = models.DateField(_("村民会议决定日期"))
    decision = models.TextField(_("村民会议决定"), help_text=_("会议名称、到会人数、表决结果，决定自建自管。"))
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="self_build_projects",
                              verbose_name=_("议事议题"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BUILDING, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("验收人"))
    checked_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    check_note = models.TextField(_("验收意见"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": READERS, "change": ORGANISERS, "add": ORGANISERS,
                                                    "accept": COUNTY_TOWNSHIP})

    class Meta:
        verbose_name = _("自建自管项目")
        verbose_name_plural = _("自建自管项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="self_build_budget_positive"),
            models.CheckConstraint(condition=Q(status__in=["building", "submitted", "returned", "accepted"]),
                                   name="self_build_status_valid"),
            models.CheckConstraint(condition=~Q(status__in=["returned", "accepted"]) | Q(checked_at__isnull=False),
                                   name="self_build_checked_has_time"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deliberation:self_build_detail", args=[self.pk])


class SelfBuildWork(models.Model):
    """A record of work done on a self-build project: the days, the people, the materials used."""

    project = models.ForeignKey(SelfBuildProject, on_delete=models.CASCADE, related_name="works",
                                verbose_name=_("项目"))
    worked_on = models.DateField(_("施工日期"))
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1)
    people = models.PositiveIntegerField(_("人数"))
    materials = models.CharField(_("材料"), max_length=300, blank=True)
    material_cost = models.DecimalField(_("材料费用（元）"), max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("工作内容"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="project__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("自建施工记录")
        verbose_name_plural = _("自建施工记录")
        ordering = ["project", "worked_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="self_build_work_days_positive"),
            models.CheckConstraint(condition=Q(people__gt=0), name="self_build_work_people_positive"),
            models.CheckConstraint(condition=Q(material_cost__gte=0), name="self_build_work_cost_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.worked_on}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class SelfBuildEvent(models.Model):
    """The project's history: chosen, work recorded, submitted, accepted or returned (with the reason)."""

    class Action(models.TextChoices):
        CREATE = "create", _("村民会议决定自建自管")
        WORK = "work", _("记录施工")
        SUBMIT = "submit", _("申请验收")
        ACCEPT = "accept", _("验收合格")
        RETURN = "return", _("验收退回")

    project = models.ForeignKey(SelfBuildProject, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("项目"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    action = models.CharField(_("事项"), max_length=8, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="project__region", roles={"view": READERS})

    class Meta:
        verbose_name = _("自建项目进程")
        verbose_name_plural = _("自建项目进程")
        ordering = ["project", "at", "id"]
