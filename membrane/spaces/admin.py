from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from membrane.spaces.models import Invitation, JoinRequest, Membership, Space
from membrane.spaces.services import SpaceError, join_request_decide


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "visibility", "joining", "member_count", "created_at"]
    list_filter = ["kind", "visibility", "joining"]
    search_fields = ["name", "slug", "description"]
    raw_id_fields = ["unit", "created_by"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Space]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("memberships", filter=Q(memberships__user__is_active=True))
            )
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, space: Any) -> int:
        return int(space.member_count)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "role", "joined_at"]
    list_filter = ["role", "space__kind"]
    list_select_related = ["user", "space"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "space__name"]
    raw_id_fields = ["user", "space"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["user", "space", "decided_by"]
    search_fields = ["user__email", "user__last_name", "space__name", "message"]
    raw_id_fields = ["user", "space", "decided_by"]
    readonly_fields = ["created_at", "decided_at"]
    actions = ["accept", "refuse"]

    @admin.action(description=_("Accept the selected requests"))
    def accept(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Refuse the selected requests"))
    def refuse(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> None:
        self._decide(request, queryset, accept=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[JoinRequest], *, accept: bool
    ) -> None:
        decided = 0
        for join_request in queryset.select_related("space", "user"):
            try:
                join_request_decide(join_request=join_request, by=request.user, accept=accept)
            except SpaceError:
                continue
            decided += 1
        self.message_user(
            request,
            ngettext("%(count)d request decided.", "%(count)d requests decided.", decided)
            % {"count": decided},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "invited_by", "created_at", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["user", "space", "invited_by"]
    search_fields = ["user__email", "user__last_name", "space__name"]
    raw_id_fields = ["user", "space", "invited_by"]
    readonly_fields = ["created_at"]
