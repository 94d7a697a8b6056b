"""Admin of credit/: scoped and read-only (ScopedAdmin) — every change goes through the portal's actions
(verification by someone else, the review workflow, checks kept forever)."""
from django.contrib import admin

from governance.admin import ScopedAdmin

from .models import CheckPurpose, Consent, CreditRecord, DomesticWorker, GradeCheck, Objection, ResidentCredit, Review, Standard


@admin.register(Standard)
class StandardAdmin(ScopedAdmin):
    list_display = ["version", "name", "effective_from", "record_valid_days", "aaa_min", "aa_min", "a_min", "b_min"]


@admin.register(CheckPurpose)
class CheckPurposeAdmin(ScopedAdmin):
    list_display = ["code", "name", "min_grade", "active"]


@admin.register(CreditRecord)
class CreditRecordAdmin(ScopedAdmin):
    list_display = ["resident", "criterion", "points", "fact_date", "status", "entered_by", "verified_by"]
    list_filter = ["status", "criterion", "source"]
    list_select_related = ["resident", "entered_by", "verified_by"]


@admin.register(ResidentCredit)
class ResidentCreditAdmin(ScopedAdmin):
    list_display = ["resident", "total", "grade", "effective_grade", "effective_since"]
    list_filter = ["grade", "effective_grade"]
    list_select_related = ["resident"]


@admin.register(Review)
class ReviewAdmin(ScopedAdmin):
    list_display = ["resident", "village", "period", "status", "computed_grade", "proposed_grade", "notice_until"]
    list_filter = ["status", "period"]
    list_select_related = ["resident", "village"]


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin):
    list_display = ["review", "raised_at", "status", "decision"]
    list_filter = ["status"]


@admin.register(Consent)
class ConsentAdmin(ScopedAdmin):
    list_display = ["resident", "unit", "purpose", "valid_until", "revoked_at"]


@admin.register(GradeCheck)
class GradeCheckAdmin(ScopedAdmin):
    list_display = ["checked_at", "purpose", "resident", "grade_seen", "result", "asked_by", "unit"]
    list_filter = ["result", "purpose"]
    list_select_related = ["purpose", "resident", "asked_by", "unit"]


@admin.register(DomesticWorker)
class DomesticWorkerAdmin(ScopedAdmin):
    list_display = ["resident", "skills", "stars", "available"]
