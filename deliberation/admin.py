from django.contrib import admin

from governance.admin import ScopedAdmin

from .models import Council, CouncilMember, Resolution, SupervisionNote, Topic


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    raw_id_fields = ["resident"]
    extra = 0


@admin.register(Council)
class CouncilAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "founded_on", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["region", "created_by"]
    inlines = [CouncilMemberInline]


@admin.register(Topic)
class TopicAdmin(ScopedAdmin):
    """Read-only: topics move through the portal's actions (votes, tally and close are audited there)."""

    list_display = ["title", "region", "status", "opens_at", "closes_at", "turnout", "passed"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Resolution)
class ResolutionAdmin(ScopedAdmin):
    list_display = ["topic", "status", "published_at", "done_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(ScopedAdmin):
    list_display = ["resolution", "council", "author", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
