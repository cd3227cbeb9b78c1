from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from membrane.core.text import normalize_for_search
from membrane.moderation.models import Moderated

# What the people search matches (conversations/search.py `_people`), in order.
SEARCH_KEY_FIELDS = ("first_name", "last_name", "display_name", "handle", "commune")


def person_search_key(*parts: str | None) -> str:
    """The normalised text the people search matches: the values of
    SEARCH_KEY_FIELDS, in that order (a missing handle is None)."""
    return normalize_for_search(" ".join(part for part in parts if part))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class MembershipStatus(models.TextChoices):
    # "member" alone is ambiguous in English (of a group, of the party): the
    # context tells translators these are the party statuses.
    SUPPORTER = "supporter", pgettext_lazy("party status", "supporter")
    TO_VERIFY = "to_verify", pgettext_lazy("party status", "member to verify")
    MEMBER = "member", pgettext_lazy("party status", "member")


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", _("everyone")
    SIGNED_IN = "signed_in", _("signed-in people")
    STAFF = "staff", _("nobody but staff")


# The profiles any signed-in person may see (and the directory may list).
SEEN_BY_SIGNED_IN = (ProfileVisibility.PUBLIC, ProfileVisibility.SIGNED_IN)


class User(Moderated, AbstractUser):
    """A person: a sympathisant by default, an adhérent once the claim is verified."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How others see you. Leave empty to show your first and last name."),
    )
    # The name to mention someone with: @camille-durand. Set at sign-up.
    handle = models.SlugField(_("handle"), max_length=60, unique=True, null=True, blank=True)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    profile_visibility = models.CharField(
        _("who sees my profile"),
        max_length=10,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.SIGNED_IN,
    )
    # Opt-in: only listed people appear in the people search, the section's
    # member list and mention suggestions (docs/privacy.md, "Directory").
    listed_in_directory = models.BooleanField(
        _("listed in the directory"),
        default=False,
        help_text=_(
            "Signed-in people can find you in the people search, your section's member list "
            "and mention suggestions."
        ),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    section = models.ForeignKey(
        "territory.Unit",
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        limit_choices_to={"kind": 2},
    )
    membership_claimed = models.BooleanField(_("claims to be a member"), default=False)
    membership_number = models.CharField(_("membership number"), max_length=32, blank=True)
    membership_verified_at = models.DateTimeField(
        _("membership verified at"), null=True, blank=True
    )
    membership_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("membership verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The number of the charter version this person last accepted; compared on
    # each request with the current one (see charter.middleware).
    charter_version_accepted = models.PositiveIntegerField(null=True, blank=True)
    # Set when the person deleted their account but chose to keep their
    # contributions: the row stays, as an anonymous "ancien membre".
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    welcomed_at = models.DateTimeField(_("welcome email sent at"), null=True, blank=True)
    # Set when the retention purge warned this inactive supporter that their
    # account will be erased (accounts/retention.py); cleared by activity.
    retention_warned_at = models.DateTimeField(
        _("warned of erasure for inactivity at"), null=True, blank=True
    )
    # SEARCH_KEY_FIELDS normalised (person_search_key), trigram-indexed on
    # PostgreSQL (migration 0008) so that the people search reads an index.
    # Kept by save(); what writes those fields otherwise (update(), bulk
    # inserts: erasure, the demo, the dataset) writes it too.
    search_key = models.TextField(blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            # A section's member list, by name: its first page without
            # sorting all its people (thousands in a city).
            models.Index(
                fields=["section", "last_name", "first_name", "id"], name="user_section_name"
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCH_KEY_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def refresh_search_key(self) -> None:
        """Compute `search_key` from SEARCH_KEY_FIELDS: save() does it, a
        bulk_create() (which does not call save()) must do it first."""
        self.search_key = person_search_key(*(getattr(self, f) for f in SEARCH_KEY_FIELDS))

    @property
    def public_name(self) -> str:
        if self.erased_at is not None:
            return str(_("former member"))
        return self.display_name or f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def membership_status(self) -> MembershipStatus:
        if self.membership_verified_at is not None:
            return MembershipStatus.MEMBER
        if self.membership_claimed:
            return MembershipStatus.TO_VERIFY
        return MembershipStatus.SUPPORTER

    @property
    def is_verified_member(self) -> bool:
        return self.membership_verified_at is not None


class PoliticalOpinionConsent(models.Model):
    """Explicit consent to the processing of data that reveal political
    opinions (GDPR art. 9(2)(a)), with the version of the wording shown."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    wording_version = models.CharField(_("wording version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("political opinion consent")
        verbose_name_plural = _("political opinion consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.wording_version} · {self.given_at:%Y-%m-%d}"


class PersonalAccessToken(models.Model):
    """A token for the API. Only its SHA-256 is stored; the person sees the
    token once, when it is created."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Follow(models.Model):
    """A person follows another; two mutual follows make contacts (coopains)."""

    follower = models.ForeignKey(
        User, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="following"
    )
    followed = models.ForeignKey(
        User, verbose_name=_("followed"), on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="no_self_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"


class DataExport(models.Model):
    """A person's data export, built by the task worker. The link to it holds
    a random token of which only the SHA-256 is stored; it works once, for
    its owner signed in, until `expires_at` (see accounts/exports.py)."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The JSON itself, emptied once downloaded.
    payload = models.TextField(blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.requested_at:%Y-%m-%d %H:%M}"
