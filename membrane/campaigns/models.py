"""National or federation campaigns ("Défendons La Poste"): a period, goals
per kind of field action, a kit of documents, linked events, and the field
actions people report, counted towards the goals and ranked by section."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 10_000


class ActionKind(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("door-to-door (doors knocked)")
    LEAFLETING = "leafleting", _("leafleting (leaflets handed out)")
    PHONING = "phoning", _("phoning (calls made)")
    PUBLIC_MEETING = "public_meeting", _("public meeting (people present)")
    SIGNATURES = "signatures", _("collecting signatures (signatures collected)")


class Campaign(models.Model):
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="campaigns",
        verbose_name=_("space"),
        help_text=_("The national space or a federation's space."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("address"), max_length=180, unique=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    description_html = models.TextField(editable=False, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices)
    target = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_goal_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.target} {self.kind}"


class FieldReport(models.Model):
    """A field action a person reports: how many (doors, leaflets, calls…),
    when, and for which section it counts."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="field_reports",
        verbose_name=_("reported by"),
    )
    section = models.ForeignKey(
        "territory.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_reports",
        verbose_name=_("section"),
    )
    kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices)
    count = models.PositiveIntegerField(_("how many"))
    done_on = models.DateField(_("done on"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("field report")
        verbose_name_plural = _("field reports")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "kind"])]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.count} {self.kind}"


def kit_upload_to(instance: "KitDocument", filename: str) -> str:
    # The campaign's id in the path; the name is kept (a tract's name helps).
    return f"campaigns/{instance.campaign_id}/kit/{filename}"


class KitDocument(models.Model):
    """A document of the campaign's kit: a link, or an uploaded PDF or image
    (see forms.check_kit_file for the size and types accepted)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kit")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=kit_upload_to, max_length=300, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kit document")
        verbose_name_plural = _("kit documents")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file=""))
                | (~models.Q(url="") & models.Q(file="")),
                name="kit_document_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title
