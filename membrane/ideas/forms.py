"""Forms of the idea pages; the API cleans its input with the same fields."""

from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from membrane.conversations.forms import BodyField, PostEditForm
from membrane.ideas.models import (
    ANSWER_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    MAX_THEMES,
    NEXT_STATUSES,
    TITLE_MAX_LENGTH,
    Idea,
    IdeaBox,
    Status,
    Theme,
)
from membrane.ideas.selectors import merge_candidates


class ThemesField(forms.ModelMultipleChoiceField):
    """Themes chosen by their slugs, at most `MAX_THEMES`: checked by the
    field itself, so that the API cleaning with it refuses the same."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Theme.objects.order_by("name"),
            to_field_name="slug",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def clean(self, value: Any) -> Any:
        if value and not isinstance(value, list | tuple):
            value = [value]
        if value and len(value) > MAX_THEMES:
            raise forms.ValidationError(
                ngettext(
                    "Choose at most %(limit)d theme.",
                    "Choose at most %(limit)d themes.",
                    MAX_THEMES,
                )
                % {"limit": MAX_THEMES},
                code="too_many_themes",
            )
        return super().clean(value)


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is accepted: **bold**, *italics*, lists, links."),
    )
    themes = ThemesField(label=_("Themes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the reader's language.
        self.fields["themes"].help_text = ngettext(
            "Up to %(limit)d theme.", "Up to %(limit)d themes.", MAX_THEMES
        ) % {"limit": MAX_THEMES}


class CommentForm(PostEditForm):
    """A comment on an idea: a message of its thread, checked like any
    other (conversations.forms.clean_body: not empty, not too long, every
    @handle someone's), with the same mention suggestions."""

    body = BodyField(label=_("Your comment"))


class BoxForm(forms.ModelForm[IdeaBox]):
    class Meta:
        model = IdeaBox
        fields = [
            "is_open",
            "threshold_supports",
            "threshold_percent",
            "answer_delay_days",
            "members_only_support",
            "authors_may_support",
        ]

    def clean_threshold_percent(self) -> int | None:
        value: int | None = self.cleaned_data.get("threshold_percent")
        if value is not None and not 1 <= value <= 100:
            raise forms.ValidationError(_("Give a share between 1 and 100 %."))
        return value

    def clean_answer_delay_days(self) -> int:
        value: int = self.cleaned_data["answer_delay_days"]
        if value < 1:
            raise forms.ValidationError(_("Give at least one day to answer."))
        return value


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    text = forms.CharField(
        label=_("Public answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the idea, with your name."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = NEXT_STATUSES.get(idea.status, set())
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Status.choices if value in allowed
        ]


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Idea.objects.none())
    text = forms.CharField(
        label=_("Public answer (optional)"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        # Any other idea of the box is accepted; the list offers the closest
        # ones (not a box's thousands of ideas in one list).
        into.queryset = (  # type: ignore[attr-defined]
            Idea.objects.filter(box_id=idea.box_id)
            .exclude(pk=idea.pk)
            .exclude(status=Status.MERGED)
        )
        chosen = str(self.data.get(self.add_prefix("into")) or "") if self.is_bound else ""

        @cache  # the widget may read its choices more than once
        def offered() -> list[tuple[Any, str]]:
            ideas = merge_candidates(idea)
            if chosen and chosen.isdigit() and all(str(c.pk) != chosen for c in ideas):
                # What the person chose stays chosen when the form comes back.
                ideas += list(into.queryset.filter(pk=int(chosen)))  # type: ignore[attr-defined]
            return [("", "---------")] + [(c.pk, c.title) for c in ideas]

        # Read when the list is shown only: a valid merge needs no candidates.
        into.choices = offered  # type: ignore[attr-defined]
