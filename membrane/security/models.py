"""A person's sessions (what the sessions page lists) and the append-only
audit log of sensitive access and decisions."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserSession(models.Model):
    """One signed-in session, mirrored from the session store so that a
    person's sessions can be listed: the store cannot be searched by user.
    The device is kept coarse on purpose (browser and system, IP cut to its
    network) — enough to recognise one's devices, not to track anyone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    browser = models.CharField(max_length=40, blank=True)
    system = models.CharField(max_length=40, blank=True)
    ip_prefix = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.browser} {self.system} {self.ip_prefix}"


class AuditAction(models.TextChoices):
    MEMBER_LIST_VIEW = "member_list.view", _("Member list viewed")
    MEMBERSHIP_QUEUE_VIEW = "membership_queue.view", _("Membership claims viewed")
    DATA_EXPORT = "personal_data.export", _("Personal data exported")
    MEMBERSHIP_IMPORT = "membership.import", _("Membership list imported")
    INSIGHTS_EXPORT = "insights.export", _("Participation exported")
    MODERATION_DECISION = "moderation.decision", _("Moderation decision")
    APPEAL_DECISION = "moderation.appeal", _("Appeal decided")
    SPACE_ROLE_CHANGE = "space.role_change", _("Role changed in a group")
    ANIMATOR_APPOINT = "animator.appoint", _("Animator appointed")
    ANIMATOR_REMOVE = "animator.remove", _("Animator removed")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who did what to whom, when (UTC) and from where. Written only by
    `services.audit_record`; never changed nor deleted (save refuses an
    update, the queryset refuses update and delete, the admin is read-only)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    ip_prefix = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")
