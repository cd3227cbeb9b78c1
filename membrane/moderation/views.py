"""Pages of moderation (to be written): each view below answers 404 until then."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("Not written yet.")


queue_view = log_view = decision_view = report_view = decide_view = _todo
appeal_view = appeal_decide_view = policy_view = audit_view = _todo
