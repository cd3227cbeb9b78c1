"""Snapshots of the measures (computed by the worker for large spaces), a
space's choice to publish a summary, and the invitations to speak sent to
silent newcomers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The measures of a space (or of the platform: space null) over one
    period, as services.space_measures returned them."""

    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # "<space id or all>:<start>:<end>": unique also for the platform (no
    # space), which a unique constraint over a null column would not be.
    key = models.CharField(max_length=60, unique=True)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    computed_at = models.DateTimeField(_("computed at"))
    data = models.JSONField()

    class Meta:
        verbose_name = _("participation snapshot")
        verbose_name_plural = _("participation snapshots")

    def __str__(self) -> str:
        return f"{self.space_id or 'platform'} {self.start} to {self.end}"


class Publication(models.Model):
    """A space whose animators publish a summary of its participation."""

    space = models.OneToOneField(
        "spaces.Space", on_delete=models.CASCADE, related_name="insights_publication"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published participation summary")
        verbose_name_plural = _("published participation summaries")

    def __str__(self) -> str:
        return str(self.space)


class Nudge(models.Model):
    """An animator's invitation to a silent newcomer to take part: at most
    one per person and space within NUDGE_INTERVAL."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("invitation to take part")
        verbose_name_plural = _("invitations to take part")
        indexes = [models.Index(fields=["space", "user", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.space_id} → {self.user_id}"
