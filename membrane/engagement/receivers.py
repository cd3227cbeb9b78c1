"""The one signal engagement listens to: allauth's `user_signed_up`, the
library's own hook for a new account, which records who invited the person
(connected in EngagementConfig.ready).

Points for replies, ideas and answers are not observed here: the services that
save them call `services.contribution_recorded`, `idea_submitted` and
`answer_given` explicitly."""

from typing import Any

from membrane.engagement.services import SESSION_KEY, referral_record


def user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A person who followed someone's invitation link, then signed up."""
    session = getattr(request, "session", None)
    code = session.pop(SESSION_KEY, None) if session is not None else None
    if isinstance(code, str) and code:
        referral_record(invitee=user, code=code)


def connect() -> None:
    from allauth.account.signals import user_signed_up as signed_up

    signed_up.connect(user_signed_up, dispatch_uid="engagement.user_signed_up")
