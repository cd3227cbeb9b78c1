from datetime import date

from django.tasks import task

from membrane.insights.services import Period, snapshot_compute
from membrane.spaces.models import Space


@task()
def snapshot_refresh(space_id: int | None, start: str, end: str) -> str:
    """Compute a space's measures for the worker (large spaces)."""
    space = None
    if space_id is not None:
        space = Space.objects.filter(pk=space_id).select_related("unit").first()
        if space is None:
            return "skipped"
    period = Period(start=date.fromisoformat(start), end=date.fromisoformat(end))
    snapshot_compute(space=space, period=period)
    return "computed"
