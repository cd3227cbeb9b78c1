"""Ideas with accountability: boxes that state their threshold and answer
delay, ideas with supports, a public answer for every change of status, and
the path an idea climbs up the party's tree (section → federation → national),
one step per box with its own threshold, delay and answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membrane.moderation.models import Moderated

TITLE_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 10_000
ANSWER_MAX_LENGTH = 5_000
# An idea carries at most this many themes.
MAX_THEMES = 3


class IdeaBox(models.Model):
    """The idea box of a space (national, a federation, a section or a
    group): opened by its animators, with the rules it commits to."""

    space = models.OneToOneField(
        "spaces.Space", on_delete=models.CASCADE, related_name="idea_box", verbose_name=_("space")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    is_open = models.BooleanField(_("open to new ideas"), default=True)
    threshold_supports = models.PositiveIntegerField(
        _("supports needed for an answer"),
        null=True,
        blank=True,
        help_text=_("A number of supports; or leave empty and give a share of the members."),
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("share of the space's members needed (%)"), null=True, blank=True
    )
    answer_delay_days = models.PositiveSmallIntegerField(
        _("days to answer an idea over the threshold"), default=30
    )
    members_only_support = models.BooleanField(
        _("only verified adhérent·es may support"), default=False
    )
    authors_may_support = models.BooleanField(
        _("authors may support their own idea"), default=False
    )

    class Meta:
        verbose_name = _("idea box")
        verbose_name_plural = _("idea boxes")

    def __str__(self) -> str:
        return str(self.space)


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    UNDER_STUDY = "under_study", _("under study")
    RETAINED = "retained", _("retained")
    MERGED = "merged", _("merged into another idea")
    DECLINED = "declined", _("declined")
    IMPLEMENTED = "implemented", _("implemented")


# The pipeline: which status may follow which (merging has its own service).
NEXT_STATUSES: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.UNDER_STUDY, Status.RETAINED, Status.DECLINED},
    Status.UNDER_STUDY: {Status.RETAINED, Status.DECLINED},
    Status.RETAINED: {Status.IMPLEMENTED, Status.DECLINED},
    Status.DECLINED: {Status.UNDER_STUDY},
    Status.IMPLEMENTED: set(),
    Status.MERGED: set(),
}


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Idea(Moderated):
    box = models.ForeignKey(
        IdeaBox, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("box")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ideas",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    description_html = models.TextField(editable=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="ideas")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_ideas",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("submitted at"), db_index=True)
    search_key = models.TextField(blank=True, editable=False)
    # Its supports, stored so that lists and rankings need no COUNT over them:
    # written by the services that add or delete supports (F() in their
    # transaction), recounted by services.support_counts_recount.
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    # Its comments: a thread of its box's space, started by the first comment
    # (services.idea_comment), so that mentions, reactions, reports and
    # moderation work as for any post.
    thread = models.OneToOneField(
        "conversations.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea",
        verbose_name=_("discussion"),
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [models.Index(fields=["box", "status"])]

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    """The idea's passage in one box: when it entered, when it crossed the
    box's threshold, when it was first answered there."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="steps")
    box = models.ForeignKey(IdeaBox, on_delete=models.CASCADE, related_name="steps")
    entered_at = models.DateTimeField(_("entered at"))
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("sent up at"), null=True, blank=True)
    status = models.CharField(
        _("status at this level"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["entered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["idea", "box"], name="one_step_per_box")]

    def __str__(self) -> str:
        return f"{self.idea} @ {self.box}"


class Answer(models.Model):
    """A public answer by an accountable person, with the status it sets."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="answers")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="idea_answers",
        verbose_name=_("answered by"),
    )
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    text = models.TextField(_("public answer"), max_length=ANSWER_MAX_LENGTH)
    created_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            # Two clicks at the same instant make one support: the database says so.
            models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"
