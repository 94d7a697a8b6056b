"""API of credit/: scoped viewsets; every write is a declared verb (governance.api.base.verb) calling one action."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from credit import actions, selectors
from credit.filtersets import (CheckPurposeFilterSet, ConsentFilterSet, CreditCertificateFilterSet, CreditRecordFilterSet,
                               DomesticWorkerFilterSet, GradeCheckFilterSet, ObjectionFilterSet, ResidentCreditFilterSet, ReviewFilterSet,
                               StandardFilterSet, WorkerRequestFilterSet)
from credit.models import (CheckPurpose, Consent, CreditCertificate, CreditRecord, DomesticWorker, GradeCheck, Objection,
                           ResidentCredit, Review, Standard, WorkerRequest)
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, ScopedViewSetMixin, verb

from . import serializers as s


class StandardViewSet(ScopedViewSet):
    queryset = Standard.objects.all()
    serializer_class = s.StandardSerializer
    filterset_class = StandardFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("criteria__record_types")

    create = verb(actions.standard_create, input=s.StandardCreateSerializer, detail=False, reread=True)


class CheckPurposeViewSet(ScopedReadOnlyViewSet):
    queryset = CheckPurpose.objects.all()
    serializer_class = s.CheckPurposeSerializer
    filterset_class = CheckPurposeFilterSet


class CreditRecordViewSet(ScopedViewSet):
    """信用信息采集: a record is entered, then verified or rejected by someone else of the village office."""

    queryset = CreditRecord.objects.all()
    selector = selectors.record_list
    serializer_class = s.CreditRecordSerializer
    filterset_class = CreditRecordFilterSet

    create = verb(actions.record_create, input=s.CreditRecordCreateSerializer, detail=False)
    verify = verb(actions.record_verify, pk_arg="record_id")
    reject = verb(actions.record_reject, input=s.ReasonSerializer, pk_arg="record_id")


class ResidentCreditViewSet(ScopedReadOnlyViewSet):
    queryset = ResidentCredit.objects.all()
    selector = selectors.credit_list
    serializer_class = s.ResidentCreditSerializer
    filterset_class = ResidentCreditFilterSet


class ReviewViewSet(ScopedViewSet):
    """等级评议: 评议意见 — 书记审批 (公示) or 退回 — 异议 by the resident during the notice. Each answer is the
    review read again (its timeline with it)."""

    queryset = Review.objects.all()
    selector = selectors.review_list
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events")

    opinion = verb(actions.review_give_opinion, input=s.OpinionSerializer, pk_arg="review_id", reread=True)
    approve = verb(actions.review_approve, pk_arg="review_id", reread=True)
    send_back = verb(actions.review_send_back, input=s.ReasonSerializer, pk_arg="review_id", url_path="send-back",
                     reread=True)
    object = verb(actions.objection_raise, input=s.ReasonSerializer, pk_arg="review_id", output=s.ObjectionSerializer,
                  status=201, doc="异议 by the resident themself, during the public notice.")


class ReviewsApproveViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """The secretary approves many reviews at once (all or nothing); the public notice starts. One id out of
    sight is a 404, one seen but not theirs to approve a 403, one already moved on a 409 — nothing changes."""

    queryset = Review.objects.all()
    selector = selectors.review_list
    serializer_class = s.CountSerializer

    create = verb(actions.reviews_approve, input=s.BulkReviewSerializer, detail=False, output=s.CountSerializer,
                  status=200)


class NoticeListView(ListAPIView):
    """公示: reviews in notice in the caller's villages, with masked ID numbers."""

    serializer_class = s.NoticeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return selectors.notice_list(user=self.request.user)


class ObjectionViewSet(ScopedViewSet):
    queryset = Objection.objects.all()
    selector = selectors.objection_list
    serializer_class = s.ObjectionSerializer
    filterset_class = ObjectionFilterSet

    answer = verb(actions.objection_answer, input=s.AnswerSerializer, pk_arg="objection_id")


class ConsentViewSet(ScopedViewSet):
    queryset = Consent.objects.all()
    selector = selectors.consent_list
    serializer_class = s.ConsentSerializer
    filterset_class = ConsentFilterSet

    create = verb(actions.consent_record, input=s.ConsentCreateSerializer, detail=False)
    revoke = verb(actions.consent_revoke, pk_arg="consent_id")


class GradeCheckViewSet(ScopedViewSet):
    """Checks are kept forever and read-only. A unit (with `unit`) checks only with consent."""

    queryset = GradeCheck.objects.all()
    selector = selectors.check_list
    serializer_class = s.GradeCheckSerializer
    filterset_class = GradeCheckFilterSet

    create = verb(actions.grade_check_create, input=s.GradeCheckCreateSerializer, detail=False)
    certificate = verb(actions.certificate_issue, pk_arg="check_id", output=s.CreditCertificateSerializer,
                       doc="出具信用等级证明 from this check (one per check: asked again, the same one).")


class CreditCertificateViewSet(ScopedViewSet):
    """Certificates issued from checks; the PDF is on the HTML page. Revoke: the public page then says void."""

    queryset = CreditCertificate.objects.all()
    selector = selectors.certificate_list
    serializer_class = s.CreditCertificateSerializer
    filterset_class = CreditCertificateFilterSet
    http_method_names = ["get", "post", "head", "options"]

    revoke = verb(actions.certificate_revoke, input=s.CertificateRevokeSerializer, pk_arg="certificate_id",
                  load_action="change")


# PATCH is not a POST verb: the partial update declared once here and run by the viewset's base.
_WORKER_UPDATE = verb(actions.worker_update, input=s.DomesticWorkerUpdateSerializer, pk_arg="worker_id", reread=True)


class DomesticWorkerViewSet(ScopedViewSet):
    queryset = DomesticWorker.objects.all()
    selector = selectors.worker_list
    serializer_class = s.DomesticWorkerSerializer
    filterset_class = DomesticWorkerFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    create = verb(actions.worker_register, input=s.DomesticWorkerCreateSerializer, detail=False, reread=True)

    @extend_schema(request=s.DomesticWorkerUpdateSerializer, responses={200: s.DomesticWorkerSerializer})
    def partial_update(self, request, *args, pk=None, **kwargs):
        """Change a 家嫂's entry; fields left out stay as they are."""
        return self.run_verb(request, _WORKER_UPDATE, pk)


class WorkerRequestViewSet(ScopedViewSet):
    queryset = WorkerRequest.objects.all()
    selector = selectors.worker_request_list
    serializer_class = s.WorkerRequestSerializer
    filterset_class = WorkerRequestFilterSet

    create = verb(actions.worker_request_create, input=s.WorkerRequestCreateSerializer, detail=False)

    @extend_schema(responses={200: s.ShortlistEntrySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def shortlist(self, request, pk=None):
        """The ranked 家嫂 shortlist: credit grade first, then stars; each place explained."""
        req = self.get_object()
        rows, _minimum = selectors.shortlist(user=request.user, request=req)
        return Response(s.ShortlistEntrySerializer(rows, many=True).data)
