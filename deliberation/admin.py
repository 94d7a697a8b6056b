"""Admin of deliberation/: scoped and read-only (ScopedAdmin); topics, votes and resolutions move through the
portal's actions, which keep the tally and the audit log."""
from django.contrib import admin

from governance.admin import ReadOnlyInline, ScopedAdmin

from .models import Council, CouncilMember, Resolution, SupervisionNote, Topic


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember


@admin.register(Council)
class CouncilAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "founded_on", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    inlines = [CouncilMemberInline]


@admin.register(Topic)
class TopicAdmin(ScopedAdmin):
    list_display = ["title", "region", "status", "opens_at", "closes_at", "turnout", "passed"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]


@admin.register(Resolution)
class ResolutionAdmin(ScopedAdmin):
    list_display = ["topic", "status", "published_at", "done_at"]
    list_filter = ["status"]


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(ScopedAdmin):
    list_display = ["resolution", "council", "author", "created_at"]
