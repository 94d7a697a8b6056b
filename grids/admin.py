from django.contrib import admin

from governance.admin import ScopedAdmin

from .models import EscalationSLA, Grid, GridMember, Issue, IssueEvent, MajorEvent, MajorEventTask, Responsibility, Visit


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["region", "leader"]
    search_fields = ["region__name"]
    raw_id_fields = ["region", "leader"]


@admin.register(GridMember)
class GridMemberAdmin(ScopedAdmin):
    list_display = ["grid", "resident", "since"]
    raw_id_fields = ["grid", "resident"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdmin):
    list_display = ["household", "grid", "member", "assigned_at"]
    raw_id_fields = ["household", "grid", "member"]


@admin.register(EscalationSLA)
class EscalationSLAAdmin(ScopedAdmin):
    list_display = ["level", "severity", "hours"]


class IssueEventInline(admin.TabularInline):
    model = IssueEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "from_status", "to_status", "from_level", "to_level", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(ScopedAdmin):
    """Read-only here: every change goes through the portal's actions so the timeline stays whole."""

    list_display = ["pk", "title", "category", "severity", "level", "status", "deadline", "township"]
    list_filter = ["level", "status", "severity"]
    search_fields = ["title"]
    inlines = [IssueEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ["visited_on", "grid", "household", "member"]
    raw_id_fields = ["grid", "household", "member", "issue", "recorded_by"]


@admin.register(MajorEvent)
class MajorEventAdmin(ScopedAdmin):
    list_display = ["title", "region", "originator", "created_at"]
    raw_id_fields = ["region", "issue", "originator"]


@admin.register(MajorEventTask)
class MajorEventTaskAdmin(ScopedAdmin):
    list_display = ["event", "grid", "acknowledged_at"]
    raw_id_fields = ["event", "grid", "acknowledged_by"]
