"""Admin is for looking: every changelist goes through the scoping mechanism, personal data stays masked,
and no domain model can be added, changed or deleted here — changes go through the portal's actions, which
check the state and the scope and write the audit log. Users and groups (django.contrib.auth) stay editable
in their own admin for now: accounts get their own pages with issue #18. django-axes' lockout records keep
axes' own admin (deleting an attempt is how a locked-out user is let back in)."""
import re

from django.contrib import admin

from .models import ApiToken, AuditEntry, Household, JobStatus, Notification, Region, Resident, RoleAssignment

# Columns that hold a secret or an unmasked number: never shown, on a changelist or an object's page.
SECRET_FIELD = re.compile(r"(?:^|_)(?:cipher|hash|sealed)(?:_|$)")


class ScopedAdmin(admin.ModelAdmin):
    """The one base of every domain ModelAdmin: scoped to the user, view only."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the change page shows the object read-only (view permission)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_exclude(self, request, obj=None):
        secret = [f.name for f in self.model._meta.concrete_fields if SECRET_FIELD.search(f.name)]
        return [*(super().get_exclude(request, obj) or ()), *secret]


class ReadOnlyInline(admin.TabularInline):
    """An inline on a ScopedAdmin page: shown, never added to, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["number", "address", "region"]
    search_fields = ["number", "address"]
    list_select_related = ["region"]


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = ["name", "id_masked", "phone_masked", "gender", "age", "region", "status", "is_party_member"]
    list_filter = ["status", "is_party_member", "gender"]
    search_fields = ["name"]
    list_select_related = ["region"]
    readonly_fields = ["id_masked", "phone_masked", "gender", "age"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "active"]
    list_filter = ["role", "active"]
    list_select_related = ["user", "region"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ["at", "actor", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action"]
    list_select_related = ["actor"]


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    list_select_related = ["user"]


@admin.register(JobStatus)
class JobStatusAdmin(ScopedAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "progress_done", "progress_total"]


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Tokens are obtained and revoked by their owner (我的令牌, /api/v1/auth/); the key exists only as a hash."""

    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    fields = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
