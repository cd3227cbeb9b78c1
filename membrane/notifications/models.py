from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTION = "mention", _("someone mentions me")
    REPLY = "reply", _("a reply in my thread")
    QUOTE = "quote", _("someone quotes my message")
    JOIN_REQUEST = "join_request", _("a request to join a group I animate")
    REQUEST_ACCEPTED = "request_accepted", _("my request to join a group is accepted")
    NEW_THREAD = "new_thread", _("a new thread in a group I animate")
    INVITATION = "invitation", _("an invitation to a group")
    NEW_FOLLOWER = "new_follower", _("someone follows me")
    MODERATION = "moderation", _("a moderation decision about my content")
    REPORT_OUTCOME = "report_outcome", _("the outcome of my report")
    APPEAL = "appeal", _("an appeal against a moderation decision I may decide")
    APPEAL_DECIDED = "appeal_decided", _("the decision on an appeal I made or that concerns me")
    IDEA_ANSWER = "idea_answer", _("an answer to an idea I proposed or support")
    POLL_OPENED = "poll_opened", _("a poll opens in a space of mine")
    POLL_CLOSED = "poll_closed", _("the results of a poll I voted in")
    EVENT_RSVP = "event_rsvp", _("someone answers an event I organise")
    EVENT_RSVP_WITHDRAWN = (
        "event_rsvp_withdrawn",
        _("someone gives up a place at an event I organise"),
    )
    EVENT_REMINDER = "event_reminder", _("a reminder before an event I attend")
    EVENT_CANCELLED = "event_cancelled", _("an event I answered is cancelled or changed")
    WAITLIST_PROMOTED = "waitlist_promoted", _("a seat frees up for me at an event")
    BADGE = "badge", _("I earn a badge")
    TAKE_PART = "take_part", _("an animator invites me to take part in a space")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("on the site")
    EMAIL = "email", _("on the site and by email at once")
    OFF = "off", _("off")


# What each kind does when the person has not chosen.
DEFAULT_CHANNELS = {
    Kind.MENTION: Channel.EMAIL,
    Kind.REPLY: Channel.IN_APP,
    Kind.QUOTE: Channel.IN_APP,
    Kind.JOIN_REQUEST: Channel.EMAIL,
    Kind.REQUEST_ACCEPTED: Channel.EMAIL,
    Kind.NEW_THREAD: Channel.IN_APP,
    Kind.MODERATION: Channel.EMAIL,
    Kind.REPORT_OUTCOME: Channel.IN_APP,
    Kind.APPEAL: Channel.IN_APP,
    Kind.APPEAL_DECIDED: Channel.EMAIL,
    Kind.IDEA_ANSWER: Channel.EMAIL,
    Kind.INVITATION: Channel.EMAIL,
    Kind.NEW_FOLLOWER: Channel.IN_APP,
    Kind.POLL_OPENED: Channel.IN_APP,
    Kind.POLL_CLOSED: Channel.IN_APP,
    Kind.EVENT_RSVP: Channel.IN_APP,
    Kind.EVENT_RSVP_WITHDRAWN: Channel.IN_APP,
    Kind.EVENT_REMINDER: Channel.EMAIL,
    Kind.EVENT_CANCELLED: Channel.EMAIL,
    Kind.WAITLIST_PROMOTED: Channel.EMAIL,
    Kind.BADGE: Channel.IN_APP,
    Kind.TAKE_PART: Channel.EMAIL,
}


class Notification(models.Model):
    """Something that happened for a person. Explicit, nullable links to what
    it is about (no generic foreign key)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "conversations.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    poll = models.ForeignKey(
        "polls.Poll", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A badge's code and level, for BADGE notifications (badges are defined in code).
    badge = models.CharField(max_length=40, blank=True)
    decision = models.ForeignKey(
        "moderation.Decision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Preference(models.Model):
    """A person's choice of channel for one kind of notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.channel}"
