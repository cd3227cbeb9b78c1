"""A person's moderation data: the reports they made, the decisions about
their content, their appeals, the decisions they took as a moderator."""

from typing import Any

from membrane.moderation.models import Appeal, Decision, Mute, Report


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "reports_made": [
            {
                "kind": r.kind,
                "object_id": r.object_id,
                "article": r.article,
                "comment": r.comment,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        "decisions_about_my_content": [_decision(d) for d in Decision.objects.filter(author=user)],
        "appeals": [
            {
                "decision": a.decision_id,
                "text": a.text,
                "status": a.status,
                "answer": a.answer,
                "created_at": a.created_at.isoformat(),
            }
            for a in Appeal.objects.filter(author=user).order_by("created_at")
        ],
        "decisions_taken_as_moderator": [
            _decision(d) for d in Decision.objects.filter(moderator=user)
        ],
        "mutes": [
            {"space": m.space_id, "until": m.until.isoformat()}
            for m in Mute.objects.filter(user=user)
        ],
    }


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "object_id": decision.object_id,
        "action": decision.action,
        "article": decision.article,
        "reason": decision.reason,
        "created_at": decision.created_at.isoformat(),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    # Reports stay for the moderators, without who made them.
    Report.objects.filter(reporter=user).update(reporter=None, comment="")
    Mute.objects.filter(user=user).delete()
    if not keep_contributions:
        # The public log keeps the appeal's outcome, not the person's words.
        Appeal.objects.filter(author=user).update(text="")
