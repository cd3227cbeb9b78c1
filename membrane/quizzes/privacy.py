from typing import Any

from membrane.quizzes.models import Answer, Attempt


def export_personal_data(user: Any) -> dict[str, Any]:
    attempts = list(Attempt.objects.filter(user=user).select_related("quiz").order_by("created_at"))
    answers: dict[int, list[dict[str, Any]]] = {}
    for attempt_id, question, choice, correct in (
        Answer.objects.filter(attempt__user=user)
        .order_by("question__position", "question_id")
        .values_list("attempt_id", "question__text", "choice__text", "choice__is_correct")
    ):
        answers.setdefault(attempt_id, []).append(
            {"question": question, "answer": choice, "correct": correct}
        )
    return {
        "quiz_attempts": [
            {
                "quiz": attempt.quiz.title,
                "score": attempt.score,
                "question_count": attempt.question_count,
                "shown_on_leaderboard": attempt.show_on_leaderboard,
                "submitted_at": attempt.created_at.isoformat(),
                "answers": answers.get(attempt.pk, []),
            }
            for attempt in attempts
        ]
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    """Attempts and their answers go: a score is nobody else's contribution."""
    Attempt.objects.filter(user=user).delete()
