"""API of 三村议事: scoped viewsets; every write calls an action (after get_object(): out of scope is 404)."""
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet
from governance.api.views import scoped_get
from governance.models import Region
from governance.selectors import region_list

from .. import actions, selectors
from ..filtersets import (
    AttendanceFilterSet,
    CommentFilterSet,
    CouncilFilterSet,
    ResolutionFilterSet,
    SupervisionNoteFilterSet,
    TopicFilterSet,
    VoteFilterSet,
)
from ..models import Attendance, Comment, Council, Resolution, SupervisionNote, Topic, Vote
from . import serializers as s


def _groups(user, ids):
    return [scoped_get(region_list(user=user), pk) for pk in ids]


class TopicViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    queryset = Topic.objects.all()
    selector = selectors.topic_detail_queryset
    serializer_class = s.TopicSerializer
    filterset_class = TopicFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.TopicWriteSerializer, responses={201: s.TopicSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.TopicWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        region = scoped_get(region_list(user=request.user), d.pop("region"))
        groups = _groups(request.user, d.pop("eligible_groups"))
        topic = actions.topic_create(actor=request.user, region=region, eligible_groups=groups, **d)
        return Response(s.TopicSerializer(self.get_queryset().get(pk=topic.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TopicUpdateSerializer, responses={200: s.TopicSerializer})
    def partial_update(self, request, *args, **kwargs):
        topic = self.get_object()
        current = {
            "title": topic.title, "background": topic.background, "kind": topic.kind,
            "options": [o.label for o in topic.options.all()] if topic.kind == Topic.Kind.CHOICE else [],
            "eligible_groups": [g.pk for g in topic.eligible_groups.all()], "opens_at": topic.opens_at,
            "closes_at": topic.closes_at, "meeting_at": topic.meeting_at, "meeting_place": topic.meeting_place,
            "quorum_percent": topic.quorum_percent, "majority_percent": topic.majority_percent,
        }
        if not isinstance(request.data, dict):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"non_field_errors": [_("请求内容须为JSON对象。")]})
        ser = s.TopicUpdateSerializer(data={**current, **request.data})
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        groups = _groups(request.user, d.pop("eligible_groups"))
        actions.topic_update(actor=request.user, topic_id=topic.pk, eligible_groups=groups, **d)
        return Response(s.TopicSerializer(self.get_queryset().get(pk=topic.pk)).data)

    def _reply(self, topic_id):
        return Response(s.TopicSerializer(self.get_queryset().get(pk=topic_id)).data)

    @extend_schema(request=None, responses={200: s.TopicSerializer})
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Publish a draft and invite the villagers (migrants to the remote channel)."""
        topic = self.get_object()
        actions.topic_open(actor=request.user, topic_id=topic.pk)
        return self._reply(topic.pk)

    @extend_schema(request=None, responses={200: s.TopicSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """End the vote; the result (per channel and total) is locked."""
        topic = self.get_object()
        actions.topic_close(actor=request.user, topic_id=topic.pk)
        return self._reply(topic.pk)

    @extend_schema(request=s.VoteRequestSerializer, responses={201: s.VoteSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """The signed-in villager's own vote: remote (外地村) if away, online (网上村) if at home."""
        topic = self.get_object()
        ser = s.VoteRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        vote = actions.vote_cast(actor=request.user, topic_id=topic.pk, option_id=ser.validated_data["option"])
        return Response(s.VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CommentRequestSerializer, responses={201: s.CommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        topic = self.get_object()
        ser = s.CommentRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        comment = actions.comment_add(actor=request.user, topic_id=topic.pk, body=ser.validated_data["body"])
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SignInRequestSerializer, responses={200: s.SignInResultSerializer})
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        """Sign villagers in at the in-person meeting (本地村), in bulk."""
        topic = self.get_object()
        ser = s.SignInRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        result = actions.meeting_sign_in(actor=request.user, topic_id=topic.pk,
                                         resident_ids=ser.validated_data["residents"])
        return Response(result)

    @extend_schema(request=s.HandTallyRequestSerializer, responses={200: s.TallySerializer})
    @action(detail=True, methods=["post"], url_path="hand-tally")
    def hand_tally(self, request, pk=None):
        """The recorder's show-of-hands counts; together at most the villagers signed in."""
        topic = self.get_object()
        ser = s.HandTallyRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with transaction.atomic():
            actions.hand_tally_record(actor=request.user, topic_id=topic.pk, counts=ser.validated_data["counts"])
            if "minutes" in ser.validated_data:
                actions.topic_record_minutes(actor=request.user, topic_id=topic.pk,
                                             minutes=ser.validated_data["minutes"])
        return Response(selectors.compute_tally(Topic.objects.get(pk=topic.pk)))

    @extend_schema(responses={200: s.TallySerializer})
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        """Counts per channel and in total: the locked result once closed; live only for the village office."""
        from django.core.exceptions import PermissionDenied

        from governance.scoping import can

        topic = self.get_object()
        if topic.status != Topic.Status.CLOSED and not can(request.user, topic, "change"):
            raise PermissionDenied(_("表决结束后公布结果。"))
        return Response(selectors.topic_tally(user=request.user, topic=topic))

    @extend_schema(request=s.ResolutionRequestSerializer, responses={201: s.ResolutionSerializer})
    @action(detail=True, methods=["post"])
    def resolution(self, request, pk=None):
        topic = self.get_object()
        ser = s.ResolutionRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        resolution = actions.resolution_record(actor=request.user, topic_id=topic.pk, text=ser.validated_data["text"])
        return Response(s.ResolutionSerializer(selectors.resolution_list(user=request.user).get(pk=resolution.pk)).data,
                        status=status.HTTP_201_CREATED)


class CommentViewSet(ScopedReadOnlyViewSet):
    queryset = Comment.objects.all()
    selector = selectors.comment_list
    serializer_class = s.CommentSerializer
    filterset_class = CommentFilterSet

    def get_queryset(self):
        # Discussion of a draft stays with its editors, as the draft does.
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(topic__in=selectors.topic_list(user=self.request.user).values("pk"))


class VoteViewSet(ScopedReadOnlyViewSet):
    """Individual votes: the village office sees its village's; a villager sees their own."""

    queryset = Vote.objects.all()
    selector = selectors.vote_list
    serializer_class = s.VoteSerializer
    filterset_class = VoteFilterSet


class AttendanceViewSet(ScopedReadOnlyViewSet):
    queryset = Attendance.objects.all()
    selector = selectors.attendance_list
    serializer_class = s.AttendanceSerializer
    filterset_class = AttendanceFilterSet


class CouncilViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Council.objects.all()
    serializer_class = s.CouncilSerializer
    filterset_class = CouncilFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        return selectors.council_list(user=self.request.user).filter(pk__in=qs.values("pk")).prefetch_related(
            "members__resident") if not getattr(self, "swagger_fake_view", False) else qs

    @extend_schema(request=s.CouncilWriteSerializer, responses={201: s.CouncilSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.CouncilWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        region = scoped_get(region_list(user=request.user), d.pop("region"))
        council = actions.council_create(actor=request.user, region=region, **d)
        return Response(s.CouncilSerializer(self.get_queryset().get(pk=council.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CouncilMemberRequestSerializer, responses={201: s.CouncilMemberSerializer})
    @action(detail=True, methods=["post"], url_path="add-member")
    def add_member(self, request, pk=None):
        council = self.get_object()
        ser = s.CouncilMemberRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        member = actions.council_member_add(actor=request.user, council_id=council.pk, resident_id=d["resident"],
                                            role=d["role"], term_start=d["term_start"], term_end=d["term_end"])
        return Response(s.CouncilMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class ResolutionViewSet(ScopedViewSet):
    queryset = Resolution.objects.all()
    serializer_class = s.ResolutionSerializer
    filterset_class = ResolutionFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return selectors.resolution_list(user=self.request.user).prefetch_related("links__content_type")

    def _reply(self, pk):
        return Response(s.ResolutionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.LinkRequestSerializer, responses={200: s.ResolutionSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link what carries the resolution out (a micro-work, a service order, a center work item)."""
        resolution = self.get_object()
        ser = s.LinkRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.resolution_link(actor=request.user, resolution_id=resolution.pk,
                                content_type_id=ser.validated_data["content_type"],
                                object_id=ser.validated_data["object_id"])
        return self._reply(resolution.pk)

    @extend_schema(request=s.NoteRequestSerializer, responses={201: s.SupervisionNoteSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        """A council member's supervision note on the follow-up."""
        resolution = self.get_object()
        ser = s.NoteRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        note = actions.supervision_note_add(actor=request.user, resolution_id=resolution.pk,
                                            body=ser.validated_data["body"])
        return Response(s.SupervisionNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CompleteRequestSerializer, responses={200: s.ResolutionSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        resolution = self.get_object()
        ser = s.CompleteRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.resolution_complete(actor=request.user, resolution_id=resolution.pk, note=ser.validated_data["note"])
        return self._reply(resolution.pk)


class SupervisionNoteViewSet(ScopedReadOnlyViewSet):
    queryset = SupervisionNote.objects.all()
    selector = selectors.supervision_note_list
    serializer_class = s.SupervisionNoteSerializer
    filterset_class = SupervisionNoteFilterSet
