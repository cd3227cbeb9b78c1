"""Authors write quizzes here: a quiz with its questions inline, and each
question with its 2 to 6 choices inline (exactly one correct). Staff write
national quizzes; a space's quizzes are written by its animators."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from membrane.quizzes.models import MAX_CHOICES, MIN_CHOICES, Attempt, Choice, Question, Quiz
from membrane.quizzes.permissions import can_author_quiz
from membrane.quizzes.selectors import quiz_problems


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = ["position", "text", "explanation", "choices_link"]
    readonly_fields = ["choices_link"]

    @admin.display(description=_("choices"))
    def choices_link(self, question: Question) -> str:
        if question.pk is None:
            return str(_("Save the quiz, then add the choices."))
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit the choices"))


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not MIN_CHOICES <= len(kept) <= MAX_CHOICES:
            raise ValidationError(
                _("A question has between %(min)d and %(max)d choices."),
                params={"min": MIN_CHOICES, "max": MAX_CHOICES},
            )
        if sum(1 for form in kept if form.cleaned_data.get("is_correct")) != 1:
            raise ValidationError(_("Exactly one choice must be marked correct."))


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 4
    max_num = MAX_CHOICES
    fields = ["position", "text", "is_correct"]


class AuthorOnly:
    """Staff reach the admin; of them, only those who may author a quiz's
    space see and change it."""

    def _quiz_of(self, obj: Any) -> Quiz | None:
        return obj if isinstance(obj, Quiz) else getattr(obj, "quiz", None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        quiz = self._quiz_of(obj)
        if quiz is None:
            return bool(request.user.is_staff)
        return can_author_quiz(request.user, quiz.space)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)


class QuizAdminForm(forms.ModelForm):
    author: Any = None  # set by QuizAdmin.get_form

    class Meta:
        model = Quiz
        fields = ["title", "intro", "space", "is_published"]

    def clean_space(self) -> Any:
        space = self.cleaned_data.get("space")
        if not can_author_quiz(self.author, space):
            if space is None:
                raise ValidationError(_("Only staff write national quizzes."))
            raise ValidationError(_("Only the space's animators write its quizzes."))
        return space

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_published") and self.instance.pk is not None:
            problems = quiz_problems(self.instance)
            if problems:
                raise ValidationError(problems)
        return cleaned


@admin.register(Quiz)
class QuizAdmin(AuthorOnly, admin.ModelAdmin):
    form = QuizAdminForm
    list_display = ["title", "space", "is_published", "question_count", "created_at"]
    list_filter = ["is_published", "space__kind"]
    search_fields = ["title", "intro", "space__name"]
    raw_id_fields = ["space"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "created_at"
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return (
            super()
            .get_queryset(request)
            .select_related("space")
            .annotate(question_count=Count("questions"))
        )

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, quiz: Any) -> int:
        return int(quiz.question_count)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change, **kwargs)
        # A class made for this request (modelform_factory): its author is
        # the person who edits.
        form.author = request.user  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: Quiz, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Question)
class QuestionAdmin(AuthorOnly, admin.ModelAdmin):
    list_display = ["text", "quiz", "position"]
    list_select_related = ["quiz"]
    search_fields = ["text", "quiz__title"]
    raw_id_fields = ["quiz"]
    inlines = [ChoiceInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: scores are people's own."""

    list_display = ["quiz", "user", "score", "question_count", "show_on_leaderboard", "created_at"]
    list_filter = ["show_on_leaderboard"]
    list_select_related = ["quiz", "user"]
    raw_id_fields = ["quiz", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
