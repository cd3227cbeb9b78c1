"""What broadens participation, counted: invitation links and who joined
through them, points for actions that widen the circle (never for sheer
volume), and badges with levels."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InviteCode(models.Model):
    """A person's invitation link: a stable random code, made on first need."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_code"
    )
    code = models.CharField(_("code"), max_length=24, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.code}"


class RankingOptIn(models.Model):
    """A person who chose to appear in the person rankings (no row: they
    do not). Section rankings need no consent: they show no one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ranking_opt_in"
    )
    created_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ranking consent")
        verbose_name_plural = _("ranking consents")

    def __str__(self) -> str:
        return str(self.user_id)


class Referral(models.Model):
    """A person who joined through someone's invitation link."""

    invitee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral"
    )
    # None once the inviter erased their account: the invitee keeps the fact
    # that they came by invitation, nobody keeps who invited them.
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.inviter_id} → {self.invitee_id}"


class PointAward(models.Model):
    """Points earned once for one thing: `rule` says why, `key` what it was
    about ("event:12"), so the same action never counts twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_awards"
    )
    rule = models.CharField(_("rule"), max_length=40)
    key = models.CharField(_("about"), max_length=80)
    points = models.PositiveIntegerField(_("points"))
    created_at = models.DateTimeField(_("earned at"), db_index=True)

    class Meta:
        verbose_name = _("points earned")
        verbose_name_plural = _("points earned")
        constraints = [
            models.UniqueConstraint(fields=["user", "rule", "key"], name="points_once_per_thing")
        ]
        indexes = [models.Index(fields=["user", "rule", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.points} ({self.rule} {self.key})"


class BadgeAward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    badge = models.CharField(_("badge"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    earned_at = models.DateTimeField(_("earned at"))

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "badge", "level"], name="badge_level_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.badge} {self.level}"
