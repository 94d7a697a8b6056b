"""API of credit/: scoped viewsets; workflow steps are POST …/{id}/<verb>/ calling the actions."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.models import Unit
from credit import actions, selectors
from credit.filtersets import (CheckPurposeFilterSet, ConsentFilterSet, CreditRecordFilterSet, DomesticWorkerFilterSet,
                               GradeCheckFilterSet, ObjectionFilterSet, ResidentCreditFilterSet, ReviewFilterSet,
                               StandardFilterSet, WorkerRequestFilterSet)
from credit.models import (CheckPurpose, Consent, CreditRecord, DomesticWorker, GradeCheck, Objection, RecordType,
                           ResidentCredit, Review, Standard, WorkerRequest)
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet
from governance.api.views import scoped_get
from governance.models import Resident
from governance.selectors import region_list

from . import serializers as s


class StandardViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Standard.objects.all()
    serializer_class = s.StandardSerializer
    filterset_class = StandardFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("criteria__record_types")

    @extend_schema(request=s.StandardCreateSerializer, responses={201: s.StandardSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.StandardCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        standard = actions.standard_create(actor=request.user, **ser.validated_data)
        return Response(s.StandardSerializer(self.get_queryset().get(pk=standard.pk)).data, status=status.HTTP_201_CREATED)


class CheckPurposeViewSet(ScopedReadOnlyViewSet):
    queryset = CheckPurpose.objects.all()
    serializer_class = s.CheckPurposeSerializer
    filterset_class = CheckPurposeFilterSet


class CreditRecordViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = CreditRecord.objects.all()
    selector = selectors.record_list
    serializer_class = s.CreditRecordSerializer
    filterset_class = CreditRecordFilterSet

    @extend_schema(request=s.CreditRecordCreateSerializer, responses={201: s.CreditRecordSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.CreditRecordCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        resident = scoped_get(Resident.objects.restrict(request.user, "view"), d["resident"])
        record_type = scoped_get(RecordType.objects.restrict(request.user, "view").select_related("criterion"),
                                 d["record_type"])
        record = actions.record_create(actor=request.user, resident=resident, record_type=record_type,
                                       fact_date=d["fact_date"], evidence=d["evidence"], source=d["source"],
                                       points=d.get("points"))
        return Response(s.CreditRecordSerializer(self.get_queryset().get(pk=record.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.CreditRecordSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        record = self.get_object()
        actions.record_verify(actor=request.user, record_id=record.pk)
        return Response(s.CreditRecordSerializer(self.get_queryset().get(pk=record.pk)).data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.CreditRecordSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        record = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.record_reject(actor=request.user, record_id=record.pk, reason=ser.validated_data["reason"])
        return Response(s.CreditRecordSerializer(self.get_queryset().get(pk=record.pk)).data)


class ResidentCreditViewSet(ScopedReadOnlyViewSet):
    queryset = ResidentCredit.objects.all()
    selector = selectors.credit_list
    serializer_class = s.ResidentCreditSerializer
    filterset_class = ResidentCreditFilterSet


class ReviewViewSet(ScopedViewSet):
    queryset = Review.objects.all()
    selector = selectors.review_list
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events")

    def _out(self, pk):
        return Response(s.ReviewSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.OpinionSerializer, responses={200: s.ReviewSerializer})
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        review = self.get_object()
        ser = s.OpinionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        actions.review_give_opinion(actor=request.user, review_id=review.pk, opinion=d["opinion"], grade=d.get("grade"),
                                    adjust_reason=d["adjust_reason"])
        return self._out(review.pk)

    @extend_schema(request=None, responses={200: s.ReviewSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        review = self.get_object()
        actions.reviews_approve(actor=request.user, review_ids=[review.pk])
        return self._out(review.pk)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.ReviewSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        review = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.review_send_back(actor=request.user, review_id=review.pk, reason=ser.validated_data["reason"])
        return self._out(review.pk)

    @extend_schema(request=s.ReasonSerializer, responses={201: s.ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        """异议 by the resident themself, during the public notice."""
        review = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        objection = actions.objection_raise(actor=request.user, review_id=review.pk, reason=ser.validated_data["reason"])
        return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ReviewsApproveView(APIView):
    """The secretary approves many reviews at once (all or nothing); the public notice starts."""

    @extend_schema(request=s.BulkReviewSerializer, responses={200: s.CountSerializer})
    def post(self, request):
        ser = s.BulkReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response({"count": actions.reviews_approve(actor=request.user, review_ids=ser.validated_data["reviews"])})


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

    @extend_schema(request=s.AnswerSerializer, responses={200: s.ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        objection = self.get_object()
        ser = s.AnswerSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        out = actions.objection_answer(actor=request.user, objection_id=objection.pk, answer=d["answer"],
                                       decision=d["decision"], new_grade=d["new_grade"])
        return Response(s.ObjectionSerializer(out).data)


class ConsentViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Consent.objects.all()
    selector = selectors.consent_list
    serializer_class = s.ConsentSerializer
    filterset_class = ConsentFilterSet

    @extend_schema(request=s.ConsentCreateSerializer, responses={201: s.ConsentSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.ConsentCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        resident = scoped_get(Resident.objects.restrict(request.user, "view"), d["resident"])
        unit = scoped_get(Unit.objects.filter(active=True), d["unit"])
        purpose = scoped_get(CheckPurpose.objects.restrict(request.user, "view"), d["purpose"])
        consent = actions.consent_record(actor=request.user, resident=resident, unit=unit, purpose=purpose,
                                         valid_until=d["valid_until"], evidence=d["evidence"])
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ConsentSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        consent = self.get_object()
        return Response(s.ConsentSerializer(actions.consent_revoke(actor=request.user, consent_id=consent.pk)).data)


class GradeCheckViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Checks are kept forever and read-only. A unit (with `unit`) checks only with consent."""

    queryset = GradeCheck.objects.all()
    selector = selectors.check_list
    serializer_class = s.GradeCheckSerializer
    filterset_class = GradeCheckFilterSet

    @extend_schema(request=s.GradeCheckCreateSerializer, responses={201: s.GradeCheckSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.GradeCheckCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        purpose = scoped_get(CheckPurpose.objects.restrict(request.user, "view"), d["purpose"])
        if d.get("unit"):
            unit = scoped_get(selectors.user_units(user=request.user), d["unit"])
            check = actions.grade_check_by_unit(actor=request.user, unit=unit, id_number=d["id_number"], purpose=purpose)
        else:
            from django.core.exceptions import ValidationError

            from governance import pii

            try:
                number = pii.parse_id_number(d["id_number"]).value
            except ValidationError as exc:
                raise ValidationError({"id_number": exc.messages}) from exc
            resident = actions.resident_by_id_number(actor=request.user, id_number=number, action="check",
                                                     model=GradeCheck)
            check = actions.grade_check(actor=request.user, resident=resident, purpose=purpose)
        return Response(s.GradeCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class DomesticWorkerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    queryset = DomesticWorker.objects.all()
    selector = selectors.worker_list
    serializer_class = s.DomesticWorkerSerializer
    filterset_class = DomesticWorkerFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.DomesticWorkerCreateSerializer, responses={201: s.DomesticWorkerSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.DomesticWorkerCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        resident = scoped_get(Resident.objects.restrict(request.user, "view"), d.pop("resident"))
        worker = actions.worker_register(actor=request.user, resident=resident, **d)
        return Response(s.DomesticWorkerSerializer(self.get_queryset().get(pk=worker.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DomesticWorkerUpdateSerializer, responses={200: s.DomesticWorkerSerializer})
    def partial_update(self, request, *args, **kwargs):
        worker = self.get_object()
        ser = s.DomesticWorkerUpdateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = {"skills": worker.skills, "certificates": worker.certificates, "stars": worker.stars,
             "available": worker.available, **ser.validated_data}
        actions.worker_update(actor=request.user, worker_id=worker.pk, **d)
        return Response(s.DomesticWorkerSerializer(self.get_queryset().get(pk=worker.pk)).data)


class WorkerRequestViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = WorkerRequest.objects.all()
    selector = selectors.worker_request_list
    serializer_class = s.WorkerRequestSerializer
    filterset_class = WorkerRequestFilterSet

    @extend_schema(request=s.WorkerRequestCreateSerializer, responses={201: s.WorkerRequestSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.WorkerRequestCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        region = scoped_get(region_list(user=request.user), d.pop("region"))
        req = actions.worker_request_create(actor=request.user, region=region, **d)
        return Response(s.WorkerRequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.ShortlistEntrySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def shortlist(self, request, pk=None):
        """The ranked 家嫂 shortlist: credit grade first, then stars; each place explained."""
        req = self.get_object()
        rows, _minimum = selectors.shortlist(user=request.user, request=req)
        return Response(s.ShortlistEntrySerializer(rows, many=True).data)


