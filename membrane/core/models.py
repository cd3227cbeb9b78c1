from django.db import models
from django.utils.translation import gettext_lazy as _


class InstanceSettings(models.Model):
    """What makes an instance its party's own: name, logo, colours, contact.

    A single row, edited by staff in the admin; read through
    `membrane.core.instance.get_instance_settings()` which caches it.
    """

    name = models.CharField(_("name"), max_length=80, default="Membrane")
    tagline = models.CharField(
        _("tagline"), max_length=160, blank=True, default="La coopérative politique"
    )
    logo = models.ImageField(_("logo"), upload_to="instance/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#8a1538",
        help_text=_("Hexadecimal, e.g. #8a1538. Keep a contrast of 4.5:1 against white."),
    )
    contact_email = models.EmailField(_("contact email"), default="contact@membrane.localhost")

    class Meta:
        verbose_name = _("instance settings")
        verbose_name_plural = _("instance settings")

    def __str__(self) -> str:
        return self.name


class OutgoingEmail(models.Model):
    """Every email the platform sends is first stored here, then delivered by
    the task worker with retries, so a failing mail server loses nothing and
    staff see the failures in the admin."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
