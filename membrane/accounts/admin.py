from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from membrane.accounts.models import Follow, PersonalAccessToken, PoliticalOpinionConsent, User
from membrane.accounts.services import membership_verify
from membrane.ideas.models import Idea, Support
from membrane.ideas.services import support_counts_recount
from membrane.spaces.models import Membership, Space
from membrane.spaces.services import member_counts_recount
from membrane.territory.models import Unit
from membrane.territory.services import section_counts_kept, section_counts_recount


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "section",
        "membership_claimed",
        "membership_verified_at",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "membership_claimed", "profile_visibility"]
    list_select_related = ["section"]
    search_fields = ["email", "first_name", "last_name", "display_name", "membership_number"]
    raw_id_fields = ["section", "membership_verified_by"]
    actions = ["verify_membership"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "display_name",
                    "bio",
                    "commune",
                    "photo",
                    "profile_visibility",
                    "listed_in_directory",
                    "language",
                ]
            },
        ),
        (
            _("Membership"),
            {
                "fields": [
                    "section",
                    "membership_claimed",
                    "membership_number",
                    "membership_verified_at",
                    "membership_verified_by",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "last_login",
                    "date_joined",
                    "charter_version_accepted",
                    "welcomed_at",
                    "erased_at",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # The section, activity and listing edited here move the person
        # between the sections' stored counts (territory.services).
        with section_counts_kept(obj):
            super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        with _stored_counts_recounted(queryset):
            super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        with _stored_counts_recounted(User.objects.filter(pk=obj.pk)):
            super().delete_model(request, obj)

    @admin.action(description=_("Verify the selected memberships"))
    def verify_membership(self, request, queryset):
        for person in queryset.filter(membership_claimed=True, membership_verified_at__isnull=True):
            membership_verify(person=person, verified_by=request.user)


@admin.register(PoliticalOpinionConsent)
class PoliticalOpinionConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "wording_version", "given_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "wording_version", "given_at"]


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["token_hash"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followed", "created_at"]
    list_select_related = ["follower", "followed"]
    search_fields = ["follower__email", "followed__email"]
    raw_id_fields = ["follower", "followed"]
    readonly_fields = ["created_at"]


@contextmanager
def _stored_counts_recounted(people: QuerySet[User]) -> Iterator[None]:
    """Deleting people here cascades to their memberships and supports past
    the services that keep the stored counts: recount their sections,
    groups and ideas afterwards, in the same transaction."""
    with transaction.atomic():
        sections = list(people.values_list("section_id", flat=True))
        spaces = list(Membership.objects.filter(user__in=people).values_list("space_id", flat=True))
        ideas = list(Support.objects.filter(user__in=people).values_list("idea_id", flat=True))
        yield
        section_counts_recount(units=Unit.objects.filter(pk__in=sections))
        member_counts_recount(spaces=Space.objects.filter(pk__in=spaces))
        support_counts_recount(ideas=Idea.objects.filter(pk__in=ideas))
