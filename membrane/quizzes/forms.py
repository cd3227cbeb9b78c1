from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from membrane.quizzes.models import MAX_CHOICES, MIN_CHOICES, Question, Quiz


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


class QuizForm(forms.ModelForm):
    """A new quiz: its title and introduction (a draft until published)."""

    class Meta:
        model = Quiz
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4})}


def answer_field_name(number: int) -> str:
    return f"answer_{number}"


class QuestionForm(forms.Form):
    """A question with 2 to 6 answers (boxes left empty are dropped), the
    correct one, and the explanation shown after answering."""

    text = forms.CharField(label=_("Question"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_CHOICES + 1):
            self.fields[answer_field_name(number)] = forms.CharField(
                label=_("Answer %(number)d") % {"number": number},
                max_length=300,
                required=number <= MIN_CHOICES,
            )
        self.fields["correct"] = forms.TypedChoiceField(
            label=_("The correct answer"),
            choices=[
                (number, _("Answer %(number)d") % {"number": number})
                for number in range(1, MAX_CHOICES + 1)
            ],
            coerce=int,
        )
        self.fields["explanation"] = forms.CharField(
            label=_("Explanation"),
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Shown to each person after they answered."),
        )

    def choices(self) -> list[str]:
        return [
            self.cleaned_data.get(answer_field_name(number)) or ""
            for number in range(1, MAX_CHOICES + 1)
        ]

    def correct_index(self) -> int:
        return int(self.cleaned_data["correct"]) - 1
