"""Pagination that does not COUNT(*) a 500,000-row table on every page view.

On PostgreSQL the planner's row estimate (one EXPLAIN, no table scan) stands in for the count when
it is large; below ESTIMATE_ABOVE rows the exact count is cheap and shown as is.
"""
from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 20_000


def estimated_count(queryset) -> tuple[int, bool]:
    """(count, is_estimate)."""
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # restrict() gave nothing: nothing to count
            return 0, False
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        if estimate > ESTIMATE_ABOVE:
            return estimate, True
    return queryset.count(), False


class EstimatingPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            n, self.is_estimate = estimated_count(self.object_list)
            return n
        return len(self.object_list)
