"""The bare view: the floor the benchmark measures every page against.

It goes through the same server, middleware and URL resolver as a real page,
but touches neither the database nor the session: its throughput is what the
stack gives before Membrane does any work.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe


@require_safe
def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
