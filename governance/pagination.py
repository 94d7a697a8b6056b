"""Pagination that never COUNT(*)s a 500,000-row table, and never shows a count beyond what the viewer sees.

The count is bounded: `SELECT count(*) FROM (<the viewer's scoped query> LIMIT 20001)`. Up to ESTIMATE_ABOVE
rows that is the exact count; beyond, ESTIMATE_ABOVE is shown as a proven lower bound ("超过 20,000 条").
The planner's estimate is never shown: it counts the whole table, not the viewer's scope, so it would tell
a resident who sees one row how large the county's tables are. "Next" is offered only when the next page
really has rows (each page fetches one row more than it shows), and a page past the end is not found.

Exports decide whether to run as a job with the same bounded count (at SYNC_LIMIT).
"""
from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 20_000
MAX_OFFSET = 10**12  # far beyond any table here, far below PostgreSQL's bigint OFFSET


def bounded_count(queryset, limit: int | None = None) -> tuple[int, bool]:
    """(count, is_lower_bound) of the rows this queryset really holds, reading at most limit + 1 of them:
    the exact count up to `limit`, else `limit` itself, which is then known to be exceeded."""
    limit = ESTIMATE_ABOVE if limit is None else limit
    n = queryset.order_by()[: limit + 1].count()  # one query: count(*) over a LIMITed subquery
    return (limit, True) if n > limit else (n, False)


class CheckedPage(Page):
    """A page that knows from its own rows whether another follows (it fetched one row more than it shows)."""

    def __init__(self, object_list, number, paginator, has_more: bool):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more

    def next_page_number(self) -> int:
        return self.number + 1  # proven by the extra row, even if the count was taken a moment earlier

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class EstimatingPaginator(Paginator):
    """`count` never exceeds the rows the queryset (the viewer's scope) holds; `is_estimate` says it is a
    lower bound ("more than"). Past ESTIMATE_ABOVE, pages beyond `num_pages` stay reachable while they have
    rows, as "next" promises."""

    is_estimate = False

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            n, self.is_estimate = bounded_count(self.object_list)
            return n
        return len(self.object_list)

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number > self.num_pages and not self.is_estimate) or (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        if self.orphans:  # the last page absorbs a short tail: Django's arithmetic, on the count
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom: bottom + self.per_page + 1])
        if not rows and number > 1:  # past the end of a "more than" count
            raise EmptyPage(self.error_messages["no_results"])
        return CheckedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)
