from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membrane.moderation.models import Moderated

# Limits stated to people when they exceed them.
TITLE_MAX_LENGTH = 160
BODY_MAX_LENGTH = 20_000


class Thread(Moderated):
    """A conversation in a space. Its opening message is its first `Post`."""

    space = models.ForeignKey(
        "spaces.Space", verbose_name=_("space"), on_delete=models.CASCADE, related_name="threads"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Updated by each new post: orders threads and feeds without aggregates.
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True, db_index=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    search_key = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["space", "-pinned", "-last_activity_at"]),
            # The feeds' newest threads: walked newest first, not all sorted.
            models.Index(fields=["-created_at"], name="thread_recent"),
            # A space's newest threads (the feed reads them space by space).
            models.Index(fields=["space", "-created_at", "-id"], name="thread_space_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class Post(Moderated):
    """A message in a thread: the opening one or a reply. Its Markdown source
    is kept; `body_html` is the sanitised rendering, made when it is written."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    # Denormalised from the thread (threads never change space): the feed
    # reads a space's newest posts on one index instead of the platform's.
    space = models.ForeignKey(
        "spaces.Space",
        verbose_name=_("space"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # post_space_recent starts with it
    )
    # False for a thread's opening post (its first), set when it is written:
    # the feed lists replies without looking for an earlier post each time.
    is_reply = models.BooleanField(_("reply"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quoted_by",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Normalised text for the search fallback (SQLite); PostgreSQL uses
    # full-text search on `body`.
    search_key = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            # A person's latest posts (profiles), without walking everyone's.
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            models.Index(fields=["space", "-created_at", "-id"], name="post_space_recent"),
        ]
        # PostgreSQL also has full-text and trigram indexes for the search,
        # made by migration 0004 (not declared here: SQLite has no GIN).

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """A previous version of an edited post, shown in its visible history."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.written_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    """A "pouce levé" on a post: one per person and post."""

    class Kind(models.TextChoices):
        THUMBS_UP = "thumbs_up", _("thumbs up")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.THUMBS_UP)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id}"


class Mention(models.Model):
    """A person mentioned with @ in a post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="unique_mention")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class ReadState(models.Model):
    """Up to when a person has read a thread: what is newer is unread."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="read_states",
    )
    last_read_at = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_state")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_at}"
