"""Moderation in the admin: to find and look. Reports, decisions, appeals and
the audit trail are records (the public log and the audit must stay true), so
they are read-only here: decisions are taken on the moderation pages, through
the services. Space policies are edited here too, through `policy_update`
(audited); a mute may be lifted by deleting it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from membrane.moderation.models import Appeal, AuditEntry, Decision, Mute, Report, SpacePolicy
from membrane.moderation.services import policy_update


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "object_id",
        "space",
        "source",
        "reporter",
        "article",
        "status",
        "created_at",
    ]
    list_filter = ["status", "source", "kind", "article", "created_at"]
    list_select_related = ["space", "reporter"]
    search_fields = ["reporter__email", "reporter__last_name", "comment", "space__name"]
    date_hierarchy = "created_at"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "action",
        "kind",
        "object_id",
        "space",
        "article",
        "moderator",
        "author",
        "reason",
    ]
    list_filter = ["action", "kind", "article", "created_at"]
    list_select_related = ["space", "moderator", "author"]
    search_fields = ["reason", "space__name", "moderator__email", "author__email"]
    date_hierarchy = "created_at"


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["decision", "author", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "decision__action", "created_at"]
    list_select_related = ["decision", "author", "decided_by"]
    search_fields = ["text", "answer", "author__email", "author__last_name"]
    date_hierarchy = "created_at"


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ["user", "space", "until", "decision"]
    list_filter = ["until"]
    list_select_related = ["user", "space", "decision"]
    search_fields = ["user__email", "user__last_name", "space__name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(SpacePolicy)
class SpacePolicyAdmin(admin.ModelAdmin):
    list_display = ["space", "premoderation", "newcomer_guard", "posts_per_hour", "link_guard"]
    list_filter = ["premoderation", "newcomer_guard", "link_guard", "space__kind"]
    list_select_related = ["space"]
    search_fields = ["space__name", "space__slug"]
    raw_id_fields = ["space"]

    def save_model(self, request: HttpRequest, obj: SpacePolicy, form: Any, change: bool) -> None:
        fields = ("premoderation", "newcomer_guard", "posts_per_hour", "link_guard")
        policy = policy_update(
            moderator=request.user,
            space=obj.space,
            **{name: getattr(obj, name) for name in fields},
        )
        obj.pk = policy.pk


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "verb", "content_type", "object_id"]
    list_filter = ["verb", "content_type", "created_at"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["verb", "actor__email", "actor__last_name"]
    date_hierarchy = "created_at"
