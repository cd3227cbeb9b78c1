from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CharterVersionQuerySet(models.QuerySet["CharterVersion"]):
    def published(self) -> "CharterVersionQuerySet":
        return self.filter(published_at__isnull=False)


class CharterVersion(models.Model):
    """A version of the charter. Drafts have no `published_at`; once published
    a version is never edited (a change is a new version)."""

    number = models.PositiveIntegerField(_("version number"), unique=True)
    title = models.CharField(_("title"), max_length=160, default="Charte de la coopérative")
    preamble = models.TextField(_("preamble"), blank=True)
    summary_of_changes = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} — v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CharterArticle(models.Model):
    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField(_("article number"))
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("charter article")
        verbose_name_plural = _("charter articles")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_article_number")
        ]

    def __str__(self) -> str:
        return f"Art. {self.number} — {self.title}"


class CharterAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="charter_acceptances",
    )
    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="unique_acceptance")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · v{self.version_id}"
