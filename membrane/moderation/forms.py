"""Forms of moderation: they check what people typed and say what is wrong;
the writes are the services'. Texts carry no `maxlength` attribute (a browser
would cut a pasted text silently): a too long text gets a message instead."""

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from membrane.moderation.kinds import KINDS
from membrane.moderation.models import (
    APPEAL_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Action,
    SpacePolicy,
)
from membrane.moderation.services import MAX_MUTE_DAYS

_TOO_LONG = _("At most %(limit_value)d characters, please: this text has %(show_value)d.")

# What a moderator chooses, said as something to do (the log says what was done).
ACTION_CHOICES: dict[str, Promise] = {
    Action.DISMISS: _("Dismiss the reports: the content stays as it is"),
    Action.APPROVE: _("Approve: the content is published"),
    Action.RESTORE: _("Restore the content"),
    Action.HIDE: _("Hide the content, with its reason in place"),
    Action.WARN: _("Warn the author"),
    Action.MUTE: _("Mute the author in this space for some days"),
    Action.BAN: _("Ban the author from the platform"),
}
# Decisions that name an article of the charter (services.decide requires it).
ARTICLE_REQUIRED = {Action.HIDE, Action.WARN, Action.MUTE, Action.BAN}


def text_field(
    *, label: Any, limit: int, required: bool = True, rows: int = 0, **kwargs: Any
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        widget=widget,
        validators=[MaxLengthValidator(limit, message=_TOO_LONG)],
        **kwargs,
    )


def article_choices(articles: dict[int, str], *, empty: str | Promise) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [("", str(empty))]
    for number, title in articles.items():
        label = gettext("Article %(number)s — %(title)s") % {"number": number, "title": title}
        choices.append((number, label))
    return choices


class ReportForm(forms.Form):
    article = forms.TypedChoiceField(
        label=_("Which article of the charter does it break?"),
        coerce=int,
        error_messages={
            "required": _("Name the article of the charter concerned."),
            "invalid_choice": _("Choose one of the articles of the charter."),
        },
    )
    comment = text_field(
        label=_("A word for the moderators (optional)"),
        limit=COMMENT_MAX_LENGTH,
        required=False,
        rows=4,
        help_text=_("Only the moderators read it, and only they see who reported."),
    )

    def __init__(self, *args: Any, articles: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["article"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = article_choices(articles, empty=_("Choose an article"))


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("This decision is not open to you on this content."),
        },
    )
    article = forms.TypedChoiceField(
        label=_("Article of the charter"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Required to hide, warn, mute or ban."),
        error_messages={"invalid_choice": _("Choose one of the articles of the charter.")},
    )
    reason = text_field(
        label=_("Public reason"),
        limit=REASON_MAX_LENGTH,
        help_text=_("A short sentence, shown in the public log and to the author."),
        error_messages={"required": _("Give a short public reason: it is shown in the log.")},
    )
    mute_days = forms.IntegerField(
        label=_("Mute for how many days?"),
        required=False,
        min_value=1,
        max_value=MAX_MUTE_DAYS,
        initial=7,
        help_text=_("Only for a mute."),
    )

    def __init__(
        self, *args: Any, actions: list[str], articles: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [(name, ACTION_CHOICES[name]) for name in actions]
        article = self.fields["article"]
        assert isinstance(article, forms.TypedChoiceField)
        article.choices = article_choices(articles, empty=_("No article"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ARTICLE_REQUIRED and data.get("article") is None and "article" in data:
            self.add_error("article", gettext("Name the article of the charter concerned."))
        if action == Action.MUTE and data.get("mute_days") is None and "mute_days" in data:
            self.add_error(
                "mute_days",
                gettext("A mute lasts from 1 to %(max)d days.") % {"max": MAX_MUTE_DAYS},
            )
        return data


class AppealForm(forms.Form):
    text = text_field(
        label=_("Why should the decision change?"),
        limit=APPEAL_MAX_LENGTH,
        rows=8,
        help_text=_(
            "A moderator other than the one who decided reads it and answers publicly. "
            "Your text itself is not published."
        ),
        error_messages={"required": _("Say in a few words why the decision should change.")},
    )


class AppealDecisionForm(forms.Form):
    UPHOLD = "uphold"
    OVERTURN = "overturn"

    outcome = forms.ChoiceField(
        label=_("Your decision on the appeal"),
        widget=forms.RadioSelect,
        choices=[
            (UPHOLD, _("Uphold the decision")),
            (OVERTURN, _("Overturn the decision: the content is restored, the mute or ban lifted")),
        ],
        error_messages={
            "required": _("Choose to uphold or to overturn the decision."),
            "invalid_choice": _("Choose to uphold or to overturn the decision."),
        },
    )
    answer = text_field(
        label=_("Public answer"),
        limit=REASON_MAX_LENGTH,
        help_text=_("A short sentence, shown in the public log and to the author."),
        error_messages={"required": _("Give a short public answer: it is shown in the log.")},
    )

    @property
    def overturn(self) -> bool:
        return bool(self.cleaned_data["outcome"] == self.OVERTURN)


def _policy_field(name: str) -> Any:
    return SpacePolicy._meta.get_field(name)


class PolicyForm(forms.Form):
    FIELDS = ("premoderation", "newcomer_guard", "posts_per_hour", "link_guard")

    premoderation = forms.BooleanField(
        label=capfirst(_policy_field("premoderation").verbose_name),
        help_text=_policy_field("premoderation").help_text,
        required=False,
    )
    newcomer_guard = forms.BooleanField(
        label=capfirst(_policy_field("newcomer_guard").verbose_name),
        help_text=_policy_field("newcomer_guard").help_text,
        required=False,
    )
    posts_per_hour = forms.IntegerField(
        label=capfirst(_policy_field("posts_per_hour").verbose_name),
        help_text=_policy_field("posts_per_hour").help_text,
        min_value=0,
        max_value=1000,
        error_messages={"required": _("Give a number of messages an hour (0: no limit).")},
    )
    link_guard = forms.BooleanField(
        label=capfirst(_policy_field("link_guard").verbose_name),
        help_text=_policy_field("link_guard").help_text,
        required=False,
    )

    @classmethod
    def initial_of(cls, policy: SpacePolicy) -> dict[str, Any]:
        return {name: getattr(policy, name) for name in cls.FIELDS}

    def policy_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class LogFilterForm(forms.Form):
    """The public log's filters (GET). Unknown values are errors, not
    silently ignored: the person learns why the list did not change."""

    space = forms.ChoiceField(
        label=_("Space"),
        required=False,
        error_messages={"invalid_choice": _("No decision concerns a space at this address.")},
    )
    article = forms.TypedChoiceField(
        label=_("Article of the charter"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the articles of the charter.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the decisions of the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of content"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the kinds of content of the list.")},
    )

    def __init__(
        self, *args: Any, spaces: list[tuple[str, str]], articles: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_fields = {
            name: field
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        }
        choice_fields["space"].choices = [("", gettext("All spaces")), *spaces]
        choice_fields["article"].choices = article_choices(articles, empty=_("All articles"))
        choice_fields["decision"].choices = [
            ("", gettext("All decisions")),
            *((value, capfirst(label)) for value, label in Action.choices),
        ]
        choice_fields["kind"].choices = [
            ("", gettext("All kinds")),
            *((name, capfirst(str(kind.label))) for name, kind in KINDS.items()),
        ]

    def filters(self) -> dict[str, Any]:
        """The chosen filters, for selectors.public_log (call after is_valid)."""
        data = self.cleaned_data
        return {
            "article": data.get("article"),
            "action": data.get("decision") or "",
            "kind": data.get("kind") or "",
        }
