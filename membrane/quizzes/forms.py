from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from membrane.quizzes.models import Question


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


class AttemptForm(forms.Form):
    """All the answers of a quiz at once: one group of radio buttons per
    question (choices prefetched), and the leaderboard opt-in."""

    show_on_leaderboard = forms.BooleanField(
        label=_("Show my score on the leaderboard"),
        required=False,
        help_text=_("Only your name and score are shown, never your answers."),
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[field_name(question)] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=[(choice.pk, choice.text) for choice in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer to this question."),
                    "invalid_choice": _("This answer is not one of this question's choices."),
                },
            )
        # The opt-in comes after the questions.
        self.order_fields([*(field_name(q) for q in questions), "show_on_leaderboard"])

    def question_fields(self) -> list[forms.BoundField]:
        return [self[field_name(question)] for question in self.questions]

    def answers(self) -> dict[int, int]:
        """Question id → choice id, of a valid form."""
        return {q.pk: self.cleaned_data[field_name(q)] for q in self.questions}

    def add_question_errors(self, errors: dict[int, str]) -> None:
        for question in self.questions:
            if question.pk in errors:
                self.add_error(field_name(question), errors[question.pk])
