"""Forms of threads and posts: they check what people typed (lengths,
empty texts, mentions of nobody, quotes) and say what is wrong; the writes
are the services'."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from membrane.conversations.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Post, Thread
from membrane.conversations.services import unknown_handles
from membrane.moderation.models import ModerationState

_MAX_LENGTH_MESSAGE = _("At most %(limit_value)d characters, please: this text has %(show_value)d.")


def clean_body(body: str) -> str:
    """Line ends as "\\n", blank lines around dropped (indentation kept: it
    means code in Markdown); not empty, not too long, every @handle someone's."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    body = body.lstrip("\n")
    if not body.strip():
        raise ValidationError(_("Write a message: it cannot be empty."), code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            _MAX_LENGTH_MESSAGE,
            code="max_length",
            params={"limit_value": BODY_MAX_LENGTH, "show_value": len(body)},
        )
    unknown = sorted(unknown_handles(body))
    if unknown:
        raise ValidationError(
            [
                ValidationError(
                    _("@%(handle)s: nobody has this handle."),
                    code="unknown_handle",
                    params={"handle": handle},
                )
                for handle in unknown
            ]
        )
    return body


class BodyField(forms.CharField):
    """A Markdown message, checked by `clean_body`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Message"))
        super().__init__(
            strip=False,
            # No `maxlength`: a browser would cut a long pasted text without a
            # word. clean_body states the limit and the form keeps the text.
            widget=forms.Textarea(attrs={"rows": 8}),
            error_messages={"required": _("Write a message: it cannot be empty.")},
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        return clean_body(super().clean(value))


class _BodyForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the reader's language.
        self.fields["body"].help_text = gettext(
            "Markdown: **bold**, *italic*, [link](https://…), > quote. "
            "Mention someone with @ and their handle. At most %(limit)d characters."
        ) % {"limit": BODY_MAX_LENGTH}
        # Suggestions as one types "@…" (htmx; see conversations/_mention_box.html):
        # only the word being typed is sent, never the whole text.
        self.fields["body"].widget.attrs.update(
            {
                "hx-get": reverse("conversations:mention_suggestions"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#mention-suggestions",
                # The text itself: the server reads the "@…" word it ends with
                # (no script evaluated in the page: the CSP forbids it).
                "hx-params": "body",
            }
        )


class ThreadForm(_BodyForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Give the thread a title."),
            "max_length": _MAX_LENGTH_MESSAGE,
        },
    )
    body = BodyField(label=_("First message"))


class PostEditForm(_BodyForm):
    body = BodyField()


class ReplyForm(_BodyForm):
    """A reply, quoting a post of the same thread if `quote` names one."""

    body = BodyField(label=_("Your reply"))
    quote = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, thread: Thread, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.thread = thread
        raw = self.data.get("quote") if self.is_bound else self.initial.get("quote")
        # The post quoted, if it is a live post of this thread (else None).
        self.quoted_post: Post | None = _quotable(thread, raw)
        self.fields["body"].widget.attrs["id"] = "reply-body"

    def clean_quote(self) -> Post | None:
        raw = self.cleaned_data.get("quote") or ""
        if not raw:
            return None
        if self.quoted_post is None:
            raise ValidationError(
                _("This message cannot be quoted: quote a message of this thread."),
                code="bad_quote",
            )
        return self.quoted_post

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The quote is a hidden field: its error is shown at the top of the form.
        for error in self.errors.pop("quote", []):
            self.add_error(None, error)
        return cleaned


def _quotable(thread: Thread, raw: Any) -> Post | None:
    raw = str(raw or "").strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    # Only what everyone sees may be quoted: never a held or hidden message.
    return (
        Post.objects.select_related("author")
        .filter(
            pk=int(raw), thread=thread, deleted_at=None, moderation_state=ModerationState.VISIBLE
        )
        .first()
    )
