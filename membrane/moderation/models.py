"""Moderation that is tolerant and transparent: reports under a charter
article, decisions that say why in place and in a public log, appeals decided
by another moderator, per-space policies, and an audit trail for staff.

Every kind of content (threads, replies, profiles, groups, and later ideas or
events) is moderated through the same models: a report or a decision points to
its content with a generic relation, and the content itself carries its
moderation state (the `Moderated` fields) so that pages, feed, search and API
filter hidden content without a join."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 300
COMMENT_MAX_LENGTH = 1000
APPEAL_MAX_LENGTH = 3000


class ModerationState(models.TextChoices):
    VISIBLE = "visible", _("visible")
    HELD = "held", _("held for review")
    HIDDEN = "hidden", _("hidden by moderation")


class Moderated(models.Model):
    """The moderation fields of a kind of content. Hidden content stays in the
    database and in place, replaced for others by the reason; held content
    (pre-moderation, newcomer or link guards) waits for a moderator."""

    moderation_state = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.VISIBLE,
        db_index=True,
    )
    moderation_article = models.PositiveSmallIntegerField(
        _("charter article"), null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN

    @property
    def is_held(self) -> bool:
        return self.moderation_state == ModerationState.HELD


class ContentRef(models.Model):
    """A pointer to any moderated content, and the space it lives in (None for
    what belongs to no space: profiles, groups themselves), kept so queues and
    the log filter by space without loading the content."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind of content"), max_length=20)
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space"),
    )

    class Meta:
        abstract = True


class Report(ContentRef):
    """A request for a moderator's look at a content: by a person, under a
    charter article, or by a guard of the space's policy that held it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Source(models.TextChoices):
        PERSON = "person", _("reported by someone")
        PREMODERATION = "premoderation", _("pre-moderation")
        NEWCOMER = "newcomer", _("newcomer guard")
        LINKS = "links", _("links guard")

    source = models.CharField(
        _("source"), max_length=15, choices=Source.choices, default=Source.PERSON
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_reports",
        verbose_name=_("reporter"),
    )
    article = models.PositiveSmallIntegerField(_("charter article"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    decision = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("decision"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(status="open"),
                name="one_open_report_per_person_and_content",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.get_source_display()})"


class Action(models.TextChoices):
    DISMISS = "dismiss", _("reports dismissed")
    HIDE = "hide", _("hidden")
    WARN = "warn", _("author warned")
    MUTE = "mute", _("author muted in the space")
    BAN = "ban", _("author banned from the platform")
    APPROVE = "approve", _("approved after review")
    RESTORE = "restore", _("restored")


class Decision(ContentRef):
    """A moderator's decision on a content: public (the log shows it without
    the content nor the reporters), with its charter article and reason."""

    action = models.CharField(_("decision"), max_length=10, choices=Action.choices)
    article = models.PositiveSmallIntegerField(_("charter article"), null=True, blank=True)
    reason = models.CharField(_("public reason"), max_length=REASON_MAX_LENGTH)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="moderation_decisions",
        verbose_name=_("moderator"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions_received",
        verbose_name=_("author of the content"),
    )
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True, db_index=True)
    # A decision taken on an appeal points to the decision it revisits.
    revisits = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revisits"),
    )

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.kind} #{self.object_id}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        UPHELD = "upheld", _("decision upheld")
        OVERTURNED = "overturned", _("decision overturned")

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("decision")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
        verbose_name=_("author"),
    )
    text = models.TextField(_("why the decision should change"), max_length=APPEAL_MAX_LENGTH)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("appealed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answer = models.CharField(_("public answer"), max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.decision} — {self.get_status_display()}"


class Mute(models.Model):
    """Someone may not post in a space until a date (a MUTE decision)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_mutes"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("until"))
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="mute")

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        indexes = [models.Index(fields=["user", "space", "until"])]

    def __str__(self) -> str:
        return f"{self.user} / {self.space} / {self.until:%Y-%m-%d}"


class SpacePolicy(models.Model):
    """How a space is moderated. Without a row: post-moderation, no guard
    beyond the links guard, the default rate limit."""

    space = models.OneToOneField(
        "spaces.Space", on_delete=models.CASCADE, related_name="moderation_policy"
    )
    premoderation = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("Every new message waits for a moderator's approval."),
    )
    newcomer_guard = models.BooleanField(
        _("newcomer guard"),
        default=False,
        help_text=_("The first messages of accounts less than a week old wait for approval."),
    )
    posts_per_hour = models.PositiveSmallIntegerField(
        _("messages per hour and person"),
        default=20,
        help_text=_("Beyond this, a person is asked to wait. 0: no limit."),
    )
    link_guard = models.BooleanField(
        _("links guard"),
        default=True,
        help_text=_("Messages with many links wait for review (never silently dropped)."),
    )

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policies")

    def __str__(self) -> str:
        return str(self.space)


class AuditEntry(models.Model):
    """What a moderator did, when, to what: seen by staff only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    details: Any = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.verb}"
