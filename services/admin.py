"""Admin of services/: scoped and read-only (ScopedAdmin); state and money move only through the portal's actions."""
from django.contrib import admin

from governance.admin import ScopedAdmin

from .models import Allocation, Errand, Expenditure, Fund, MenuItem, MicroWork, Open311Key, Order, VolunteerTeam


@admin.register(MenuItem)
class MenuItemAdmin(ScopedAdmin):
    list_display = ["code", "title", "township", "category", "status"]
    list_filter = ["status"]
    search_fields = ["code", "title"]


@admin.register(Order)
class OrderAdmin(ScopedAdmin):
    list_display = ["number", "item_title", "region", "status", "unit", "stage_deadline", "rating"]
    list_filter = ["status", "channel"]
    search_fields = ["number"]
    list_select_related = ["region", "unit"]
    exclude = ["resident"]


@admin.register(MicroWork)
class MicroWorkAdmin(ScopedAdmin):
    list_display = ["title", "region", "kind", "status", "budget_fen", "is_public"]
    list_filter = ["kind", "status"]
    list_select_related = ["region"]


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    list_display = ["name", "region", "year", "amount_fen", "allocated_fen", "spent_fen"]
    list_filter = ["source", "year"]
    list_select_related = ["region"]


@admin.register(Allocation)
class AllocationAdmin(ScopedAdmin):
    list_display = ["fund", "work", "amount_fen", "spent_fen", "approved_at"]
    list_select_related = ["fund", "work"]


@admin.register(Expenditure)
class ExpenditureAdmin(ScopedAdmin):
    list_display = ["allocation", "amount_fen", "payee", "receipt_number", "spent_on"]


@admin.register(Errand)
class ErrandAdmin(ScopedAdmin):
    list_display = ["title", "kind", "region", "status", "received_at"]
    list_filter = ["kind", "status"]


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    list_display = ["name", "region", "leader_name"]
    search_fields = ["name"]


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedAdmin):
    """Keys are issued with `Open311Key.issue()` (the raw key is shown once); the hash is never shown."""

    list_display = ["name", "key_prefix", "region", "active", "created_at"]
    list_filter = ["active"]
