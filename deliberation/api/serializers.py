from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance import selectors as core
from governance.api.base import ModelSerializer, ScopedRef, ScopedRefList

from .. import selectors as topic_selectors
from ..models import (
    LedgerLine,
    LedgerMonth,
    LedgerQuestion,
    Procedure,
    ProcedureStep,
    SelfBuildProject,
    SelfBuildWork,
    Attendance,
    Channel,
    Comment,
    Council,
    CouncilMember,
    Proposal,
    Resolution,
    ResolutionLink,
    SupervisionNote,
    Topic,
    TopicOption,
    Vote,
)


class TopicOptionSerializer(ModelSerializer):
    class Meta:
        model = TopicOption
        fields = ["id", "label", "meaning", "position"]


class ChannelCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    participants = serializers.IntegerField()
    votes = serializers.IntegerField(allow_null=True)


class OptionCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    meaning = serializers.CharField()
    in_person = serializers.IntegerField()
    remote = serializers.IntegerField(allow_null=True, help_text=_("无记名投票时为空：远程与线上合并计入 sealed"))
    online = serializers.IntegerField(allow_null=True, help_text=_("无记名投票时为空：远程与线上合并计入 sealed"))
    sealed = serializers.IntegerField(required=False, help_text=_("无记名投票：票箱中远程与线上的合计"))
    total = serializers.IntegerField()


class ChannelsSerializer(serializers.Serializer):
    in_person = ChannelCountSerializer()
    remote = ChannelCountSerializer()
    online = ChannelCountSerializer()


class TallySerializer(serializers.Serializer):
    secret = serializers.BooleanField(required=False)
    sealed = serializers.IntegerField(allow_null=True, required=False)
    options = OptionCountSerializer(many=True)
    channels = ChannelsSerializer()
    total = serializers.IntegerField()
    turnout = serializers.IntegerField()
    eligible = serializers.IntegerField()
    quorum_percent = serializers.IntegerField()
    majority_percent = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    majority_met = serializers.BooleanField()
    passed = serializers.BooleanField()
    leader_id = serializers.IntegerField(allow_null=True)
    adopted_id = serializers.IntegerField(allow_null=True, required=False)


class TopicSerializer(ModelSerializer):
    options = TopicOptionSerializer(many=True, read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    eligible_groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "region", "region_name", "title", "background", "kind", "options", "eligible_groups",
                  "opens_at", "closes_at", "meeting_at", "meeting_place", "minutes", "quorum_percent",
                  "majority_percent", "status", "opened_at", "closed_at", "eligible_count", "turnout", "quorum_met",
                  "passed", "winning_option", "secret"]


class TopicWriteSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list, help_text=_("村/社区的编号"))
    title = serializers.CharField(max_length=200)
    background = serializers.CharField()
    kind = serializers.ChoiceField(choices=Topic.Kind.choices, default=Topic.Kind.PROPOSAL)
    options = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list,
                                    help_text=_("多选一的选项；方案表决自动为同意/反对/弃权"))
    eligible_groups = ScopedRefList(core.region_list, required=False, default=list,
                                    help_text=_("参与的村民小组编号；不填则全村"))
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    meeting_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    quorum_percent = serializers.IntegerField(default=50)
    majority_percent = serializers.IntegerField(default=50)
    secret = serializers.BooleanField(default=False, help_text=_("无记名投票：只记录谁参与了，不记录谁投了什么"))


class TopicUpdateSerializer(serializers.Serializer):
    """A draft's fields, each optional: what is left out stays as it is."""

    title = serializers.CharField(max_length=200, required=False)
    background = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=Topic.Kind.choices, required=False)
    options = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    eligible_groups = ScopedRefList(core.region_list, required=False)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    meeting_at = serializers.DateTimeField(required=False, allow_null=True)
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quorum_percent = serializers.IntegerField(required=False)
    majority_percent = serializers.IntegerField(required=False)
    secret = serializers.BooleanField(required=False)


class VoteRequestSerializer(serializers.Serializer):
    # the action reads the option under the topic's lock: an id, not an object (400 on the field if not the topic's)
    option = serializers.IntegerField(source="option_id")


class CommentRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class SignInRequestSerializer(serializers.Serializer):
    # the action checks, under the topic's lock, that each is a villager the caller sees in the topic's area
    residents = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, source="resident_ids")


class SignInResultSerializer(serializers.Serializer):
    signed_in = serializers.IntegerField()
    total_in_person = serializers.IntegerField()
    voted_elsewhere = serializers.ListField(child=serializers.CharField())


class HandTallyRequestSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("选项编号 → 举手人数"))
    minutes = serializers.CharField(required=False, allow_blank=True)


class ResolutionRequestSerializer(serializers.Serializer):
    text = serializers.CharField()


class CommentSerializer(ModelSerializer):
    speaker = serializers.CharField(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "topic", "speaker", "channel", "body", "created_at"]


class VoteSerializer(ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Vote
        fields = ["id", "topic", "resident", "resident_name", "channel", "option", "cast_at"]


class AttendanceSerializer(ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "topic", "resident", "resident_name", "channel", "at"]


class CouncilMemberSerializer(ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "resident", "resident_name", "role", "term_start", "term_end", "is_current"]


class CouncilSerializer(ModelSerializer):
    members = CouncilMemberSerializer(many=True, read_only=True)
    n_members = serializers.IntegerField(read_only=True)

    class Meta:
        model = Council
        fields = ["id", "region", "name", "kind", "duties", "founded_on", "active", "n_members", "members"]


class CouncilWriteSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Council.Kind.choices)
    duties = serializers.CharField(required=False, allow_blank=True, default="")
    founded_on = serializers.DateField(required=False, allow_null=True, default=None)


class CouncilMemberRequestSerializer(serializers.Serializer):
    # the action loads the villager in the caller's scope and checks the village under the council's lock
    resident = serializers.IntegerField(source="resident_id")
    role = serializers.ChoiceField(choices=CouncilMember.Role.choices, default=CouncilMember.Role.MEMBER)
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True, default=None)


class ResolutionLinkSerializer(ModelSerializer):
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = ResolutionLink
        fields = ["id", "content_type", "target_type", "object_id", "label", "linked_at"]

    def get_target_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class SupervisionNoteSerializer(ModelSerializer):
    author = serializers.CharField(source="author_name", read_only=True)

    class Meta:
        model = SupervisionNote
        fields = ["id", "resolution", "council", "author", "body", "created_at"]


class ResolutionSerializer(ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    region = serializers.IntegerField(source="topic.region_id", read_only=True)
    links = ResolutionLinkSerializer(many=True, read_only=True)
    n_notes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Resolution
        fields = ["id", "topic", "topic_title", "region", "text", "status", "published_at", "done_at", "links",
                  "n_notes"]


class LinkedResolutionSerializer(ResolutionSerializer):
    """The answer to a link (the action returns the link it made): the resolution with its links, read again
    in the caller's scope."""

    def to_representation(self, link):
        from .. import selectors

        user = self.context["request"].user
        resolution = (selectors.resolution_list(user=user).prefetch_related("links__content_type")
                      .get(pk=link.resolution_id))
        return super().to_representation(resolution)


class LinkRequestSerializer(serializers.Serializer):
    # the action finds the target among what the caller may see (deliberation/links.py): 400 on "target" otherwise
    content_type = serializers.IntegerField(source="content_type_id", help_text=_("落实事项的对象类型编号"))
    object_id = serializers.CharField(max_length=64)


class NoteRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class CompleteRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


CHANNELS = Channel


class ProposalSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    proposer_name = serializers.CharField(source="proposer.name", read_only=True)
    n_support = serializers.IntegerField(read_only=True)
    lapsed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "region", "region_name", "title", "body", "proposer_name", "created_at", "collects_until",
                  "eligible_count", "support_needed", "n_support", "status", "lapsed", "qualified_at", "topic",
                  "decision", "decided_at"]


class ProposalCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class ProposalScheduleSerializer(serializers.Serializer):
    decision = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    meeting_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    secret = serializers.BooleanField(default=False)


# --- 四议两公开 ----------------------------------------------------------------------------------------

class ProcedureStepSerializer(ModelSerializer):
    class Meta:
        model = ProcedureStep
        fields = ["id", "procedure", "stage", "held_at", "expected", "present", "votes_for", "votes_against",
                  "votes_abstain", "passed", "summary", "recorded_at"]


class ProcedureSerializer(ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    steps = ProcedureStepSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = ["id", "topic", "topic_title", "status", "started_at", "steps"]


class ProcedureStartSerializer(serializers.Serializer):
    topic = serializers.IntegerField(source="topic_id")


class ProcedureStepRequestSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    summary = serializers.CharField()
    expected = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    present = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_abstain = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


# --- 村级三资 and 财务公开 -------------------------------------------------------------------------------

class LedgerMonthSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    income = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    expense = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    n_lines = serializers.IntegerField(read_only=True)

    class Meta:
        model = LedgerMonth
        fields = ["id", "region", "region_name", "month", "status", "published_at", "income", "expense", "n_lines"]


class LedgerLineSerializer(ModelSerializer):
    class Meta:
        model = LedgerLine
        fields = ["id", "month", "kind", "category", "amount", "occurred_on", "counterparty", "voucher_no",
                  "voucher_summary", "corrects", "entered_at"]


class LedgerLineWriteSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    kind = serializers.ChoiceField(choices=LedgerLine.Kind.choices)
    category = serializers.ChoiceField(choices=LedgerLine.Category.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    occurred_on = serializers.DateField()
    counterparty = serializers.CharField(max_length=100)
    voucher_no = serializers.CharField(max_length=40)
    voucher_summary = serializers.CharField(max_length=300)
    corrects = serializers.IntegerField(source="corrects_id", required=False, allow_null=True, default=None)


class LedgerQuestionSerializer(ModelSerializer):
    """The asker is not named: the village reads questions and answers, not who asked."""

    class Meta:
        model = LedgerQuestion
        fields = ["id", "line", "body", "asked_at", "status", "answer", "answered_at"]


class LedgerAskSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class LedgerAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


# --- 自建自管 -------------------------------------------------------------------------------------------

class SelfBuildWorkSerializer(ModelSerializer):
    class Meta:
        model = SelfBuildWork
        fields = ["id", "project", "worked_on", "days", "people", "materials", "material_cost", "note"]


class SelfBuildSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    person_days = serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True)
    material_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = SelfBuildProject
        fields = ["id", "region", "region_name", "name", "description", "budget", "decided_on", "decision", "topic",
                  "status", "person_days", "material_total", "checked_at", "check_note"]


class SelfBuildWriteSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    decided_on = serializers.DateField()
    decision = serializers.CharField()
    topic = ScopedRef(topic_selectors.topic_list, required=False, allow_null=True, default=None)


class SelfBuildWorkRequestSerializer(serializers.Serializer):
    worked_on = serializers.DateField()
    days = serializers.DecimalField(max_digits=5, decimal_places=1)
    people = serializers.IntegerField()
    note = serializers.CharField(max_length=300)
    materials = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    material_cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                             default=None)


class AcceptRequestSerializer(serializers.Serializer):
    note = serializers.CharField()


class ReturnRequestSerializer(serializers.Serializer):
    reason = serializers.CharField()
