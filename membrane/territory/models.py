from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membrane.core.text import normalize_for_search


class UnitQuerySet(models.QuerySet["Unit"]):
    def federations(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.FEDERATION)

    def sections(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.SECTION)


class Unit(models.Model):
    """A node of the party's territory: national → federations → sections.

    The tree is three levels deep, so a unit's ancestors are at most its parent
    and grandparent: `lineage_ids()` gives them without a recursive query.
    """

    class Kind(models.IntegerChoices):
        NATIONAL = 0, _("national")
        FEDERATION = 1, _("federation")
        SECTION = 2, _("section")

    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    # INSEE code of the département, for federations.
    code = models.CharField(_("INSEE code"), max_length=3, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Name, commune and postcode normalised by core.text.normalize_for_search,
    # kept up to date by save(), for accent- and case-insensitive search.
    search_key = models.CharField(max_length=400, blank=True, editable=False)
    # A section's people (active accounts) and how many of them the directory
    # lists: stored so that the section's page and the lists of sections do
    # not count thousands of people on each request. Kept by the services
    # (services.section_counts_kept; section_counts_recount after a bulk
    # change); 0 for federations and the national unit.
    member_count = models.PositiveIntegerField(_("people"), default=0, editable=False)
    listed_member_count = models.PositiveIntegerField(
        _("people listed in the directory"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["kind", "code", "name"]
        indexes = [
            models.Index(fields=["kind", "postcode"]),
            models.Index(fields=["kind", "name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(kind=1),
                name="unique_federation_code",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FEDERATION:
            return f"{self.code} · {self.name}"
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = normalize_for_search(f"{self.name} {self.commune} {self.postcode}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def is_section(self) -> bool:
        return self.kind == self.Kind.SECTION

    def lineage_ids(self) -> list[int]:
        """This unit's id and its ancestors' ids. Load with
        `select_related("parent")` to avoid a query."""
        ids = [self.pk]
        if self.parent_id is not None:
            ids.append(self.parent_id)
            if self.parent is not None and self.parent.parent_id is not None:
                ids.append(self.parent.parent_id)
        return ids


class Animator(models.Model):
    """An animator of a unit. Their rights flow down the tree: a federation's
    animator acts on every section of the federation."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="animators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="animator_roles",
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("animator")
        verbose_name_plural = _("animators")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unique_animator_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"
