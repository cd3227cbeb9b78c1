"""Query pieces shared by the apps."""

from typing import Any, ClassVar

from django.db.models import IntegerField, QuerySet, Subquery


class _CountOf(Subquery):
    """COUNT(*) of a subquery's rows: 0 when there is none, and no GROUP BY,
    so PostgreSQL may count from an index alone (an index-only scan) when
    the subquery selects only indexed columns."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field: ClassVar[IntegerField] = IntegerField()


def count_for_outer_row(rows: QuerySet[Any], *, by: str) -> Subquery:
    """How many of `rows` (filtered on `OuterRef` through the field `by`
    that names the outer row) belong to the outer row: a correlated
    subquery, computed only for the rows the outer query keeps (a page, or
    the rows an UPDATE recounts) rather than a join and GROUP BY over every
    row. It selects `by` alone: counting a box's ideas reads the box_id
    index and no idea (51 boxes of 154 ideas at party scale: 18 -> 1 ms)."""
    return _CountOf(rows.order_by().values(by))


def in_order_of(rows: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The rows of these ids, in the order of the ids (one query): for a
    page whose ids were picked by a lighter, ordered query."""
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
