"""Polls in the admin: to find them and, if need be, close one early (its
closing date). They are created through the pages or the API (the service
checks them). Ballots have no admin: who voted is nobody's business, and
what anyone chose is not recorded with them."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from membrane.polls.models import Poll, PollOption
from membrane.polls.services import poll_notifications_schedule


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ["position", "label"]
    readonly_fields = ["position", "label"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "space", "opens_at", "closes_at", "ballot_count"]
    list_filter = ["results", "members_only", "multiple"]
    search_fields = ["question", "space__name"]
    list_select_related = ["space"]
    raw_id_fields = ["space", "thread", "created_by"]
    readonly_fields = [
        "space",
        "thread",
        "question",
        "multiple",
        "opens_at",
        "results",
        "members_only",
        "created_by",
        "created_at",
    ]
    inlines = [PollOptionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Poll]:
        return Poll.objects.with_counts()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Poll, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "closes_at" in form.changed_data:
            # The task scheduled for the former date will do nothing.
            poll_notifications_schedule(obj, opening=False)

    @admin.display(description=_("ballots"), ordering="ballot_count")
    def ballot_count(self, poll: Any) -> int:
        return int(poll.ballot_count)
