from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membrane.core.text import normalize_for_search
from membrane.moderation.models import Moderated


class Role(models.IntegerChoices):
    """Ordered roles in a space: "at least moderator" is `role >= MODERATOR`."""

    MEMBER = 10, _("member")
    MODERATOR = 20, _("moderator")
    ANIMATOR = 30, _("animator")


class SpaceQuerySet(models.QuerySet["Space"]):
    def groups(self) -> "SpaceQuerySet":
        return self.filter(kind=Space.Kind.GROUP)

    def territorial(self) -> "SpaceQuerySet":
        return self.exclude(kind=Space.Kind.GROUP)


class Space(Moderated):
    """Where conversations live: the space of a territorial unit (national,
    a federation, a section) or a thematic group that crosses the territory.

    Who belongs to a territorial space follows the territory (a section's
    people; a federation's sections' people; everyone for the national one)
    and its animators are the unit's animators, rights flowing down. A
    group's members and roles are its `Membership` rows."""

    class Kind(models.IntegerChoices):
        NATIONAL = 0, _("national")
        FEDERATION = 1, _("federation")
        SECTION = 2, _("section")
        GROUP = 3, _("group")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public: everyone can read")
        PRIVATE = "private", _("private: members only")

    class Joining(models.TextChoices):
        OPEN = "open", _("open to all")
        REQUEST = "request", _("on request")
        INVITATION = "invitation", _("on invitation only")

    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices)
    unit = models.OneToOneField(
        "territory.Unit",
        verbose_name=_("territorial unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="space",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    image = models.ImageField(_("image"), upload_to="spaces/", blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    joining = models.CharField(
        _("joining"), max_length=10, choices=Joining.choices, default=Joining.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Normalised name and description (core.text.normalize_for_search), for
    # the directory's search on SQLite and PostgreSQL alike.
    search_key = models.TextField(blank=True, editable=False)
    # A group's members whose account is active: stored so that the directory
    # and a group's page do not count every membership on each request.
    # Written by the services (services.member_counts_recount after a bulk
    # change or a change of an account's `is_active`).
    active_member_count = models.PositiveIntegerField(default=0, editable=False)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["kind", "name"]
        indexes = [
            models.Index(fields=["kind", "visibility"]),
            # The group directory, most populated first: its first page read
            # in order from the index (5,000 groups at party scale).
            models.Index(
                fields=["kind", "-active_member_count", "name"], name="space_most_populated"
            ),
            # Lists by kind then name (the report's idea boxes, 4,102 of them).
            models.Index(fields=["kind", "name"], name="space_kind_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = normalize_for_search(f"{self.name} {self.description}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class Membership(models.Model):
    """A person's place in a group, with their role."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="space_memberships",
    )
    role = models.PositiveSmallIntegerField(_("role"), choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="unique_space_membership")
        ]
        indexes = [
            models.Index(fields=["user", "space"]),
            # A group page's faces: its animators, then its newest members,
            # read in order from the index and stopped after a dozen.
            models.Index(fields=["space", "-role", "-joined_at"], name="membership_faces"),
            # The feed's "joined my group": a group's newest members, in order.
            models.Index(fields=["space", "-joined_at", "-id"], name="membership_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.space_id} · {self.get_role_display()}"


class JoinRequest(models.Model):
    """A request to join a group that admits on request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.space_id} ({self.status})"


class Invitation(models.Model):
    """An invitation to a group, the only way into an invitation-only group."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person invited"),
        on_delete=models.CASCADE,
        related_name="space_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="unique_invitation")]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.space_id}"
