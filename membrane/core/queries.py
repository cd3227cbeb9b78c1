"""Query pieces shared by the apps."""

from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_for_outer_row(rows: QuerySet[Any], *, by: str) -> Coalesce:
    """How many of `rows` (filtered on `OuterRef`, grouped on the field
    `by` that names the outer row) belong to the outer row, 0 when none: a
    correlated subquery, computed only for the rows the outer query keeps
    (a page, or the rows an UPDATE recounts) rather than a join and
    GROUP BY over every row."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
