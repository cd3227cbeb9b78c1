"""A person's part of polls. Their ballots say which polls they voted in and
when; what they chose is stored without any link to them (models.py), so it
is neither exported nor erasable — it stays in the counts, anonymous."""

from typing import Any

from membrane.polls.models import Ballot, Poll


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "ballots": [
            {
                "poll": question,
                "poll_id": poll_id,
                "space": space,
                "cast_at": cast_at.isoformat(),
                "choices": None,  # never linked to the person: see models.py
            }
            for poll_id, question, space, cast_at in Ballot.objects.filter(voter=user)
            .order_by("cast_at")
            .values_list("poll_id", "poll__question", "poll__space__name", "cast_at")
        ],
        "polls_created": list(
            Poll.objects.filter(created_by=user).order_by("pk").values_list("question", flat=True)
        ),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    """Ballots go (the anonymous counts stay); polls the person created stay
    (they belong to their space), without a creator."""
    Ballot.objects.filter(voter=user).delete()
    Poll.objects.filter(created_by=user).update(created_by=None)
