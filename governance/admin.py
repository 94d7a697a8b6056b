"""Admin: every changelist goes through the scoping mechanism too, and personal data stays masked."""
from django.contrib import admin

from .models import AuditEntry, Household, JobStatus, Notification, Region, Resident, RoleAssignment


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["number", "address", "region"]
    search_fields = ["number", "address"]
    raw_id_fields = ["region", "head"]


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = ["name", "id_masked", "phone_masked", "gender", "age", "region", "status", "is_party_member"]
    list_filter = ["status", "is_party_member", "gender"]
    search_fields = ["name"]
    raw_id_fields = ["household", "region", "user"]
    # The encrypted columns and hashes are never shown or edited here; changes go through the portal's forms.
    exclude = ["id_cipher", "id_hash", "phone_cipher", "phone_hash"]
    readonly_fields = ["id_masked", "phone_masked", "gender", "age"]

    def has_add_permission(self, request):
        return False  # a resident is registered through the portal form, which validates the ID number


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "active"]
    list_filter = ["role", "active"]
    raw_id_fields = ["user", "region"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ["at", "actor", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["user", "title", "created_at", "read_at"]


@admin.register(JobStatus)
class JobStatusAdmin(ScopedAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "progress_done", "progress_total"]
