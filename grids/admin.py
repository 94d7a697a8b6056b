"""Admin of grids/: scoped and read-only (ScopedAdmin); every change goes through the portal's actions, so an
issue's timeline stays whole."""
from django.contrib import admin

from governance.admin import ReadOnlyInline, ScopedAdmin

from .models import EscalationSLA, Grid, GridMember, Issue, IssueEvent, MajorEvent, MajorEventTask, Responsibility, Visit


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["region", "leader"]
    search_fields = ["region__name"]


@admin.register(GridMember)
class GridMemberAdmin(ScopedAdmin):
    list_display = ["grid", "resident", "since"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdmin):
    list_display = ["household", "grid", "member", "assigned_at"]


@admin.register(EscalationSLA)
class EscalationSLAAdmin(ScopedAdmin):
    list_display = ["level", "severity", "hours"]


class IssueEventInline(ReadOnlyInline):
    model = IssueEvent
    fields = ["kind", "actor", "at", "from_status", "to_status", "from_level", "to_level", "note"]


@admin.register(Issue)
class IssueAdmin(ScopedAdmin):
    list_display = ["pk", "title", "category", "severity", "level", "status", "deadline", "township"]
    list_filter = ["level", "status", "severity"]
    search_fields = ["title"]
    inlines = [IssueEventInline]


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ["visited_on", "grid", "household", "member"]


@admin.register(MajorEvent)
class MajorEventAdmin(ScopedAdmin):
    list_display = ["title", "region", "originator", "created_at"]


@admin.register(MajorEventTask)
class MajorEventTaskAdmin(ScopedAdmin):
    list_display = ["event", "grid", "acknowledged_at"]
