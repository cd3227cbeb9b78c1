"""Threads and posts in the admin: to find and look, not to rewrite what
people wrote (moderation hides with a reason, in the moderation app).
Pinning and locking go through the services."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from membrane.conversations.models import Post, PostRevision, Thread
from membrane.conversations.services import thread_set_locked, thread_set_pinned


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin[Thread]):
    list_display = (
        "title",
        "space",
        "author",
        "post_count",
        "pinned",
        "locked",
        "last_activity_at",
    )
    list_filter = ("pinned", "locked", "space__kind", "created_at")
    search_fields = ("title", "space__name", "author__email", "author__last_name")
    list_select_related = ("space", "author")
    date_hierarchy = "created_at"
    fields = (
        "title",
        "space",
        "author",
        "created_at",
        "last_activity_at",
        "post_count",
        "pinned",
        "locked",
    )
    readonly_fields = ("title", "space", "author", "created_at", "last_activity_at", "post_count")
    actions = ("pin", "unpin", "lock", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Thread, form: Any, change: bool) -> None:
        if "pinned" in form.changed_data:
            thread_set_pinned(thread=obj, pinned=obj.pinned)
        if "locked" in form.changed_data:
            thread_set_locked(thread=obj, locked=obj.locked)

    @admin.action(description=_("Pin the selected threads"))
    def pin(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        for thread in queryset:
            thread_set_pinned(thread=thread, pinned=True)

    @admin.action(description=_("Unpin the selected threads"))
    def unpin(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        for thread in queryset:
            thread_set_pinned(thread=thread, pinned=False)

    @admin.action(description=_("Lock the selected threads"))
    def lock(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        for thread in queryset:
            thread_set_locked(thread=thread, locked=True)

    @admin.action(description=_("Reopen the selected threads"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        for thread in queryset:
            thread_set_locked(thread=thread, locked=False)


class PostRevisionInline(admin.TabularInline[PostRevision, Post]):
    model = PostRevision
    fields = ("written_at", "body")
    readonly_fields = ("written_at", "body")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("pk", "thread", "author", "created_at", "edited_at", "deleted_at")
    list_filter = (
        ("deleted_at", admin.EmptyFieldListFilter),
        ("edited_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("body", "thread__title", "author__email", "author__last_name")
    list_select_related = ("thread", "author")
    date_hierarchy = "created_at"
    fields = (
        "thread",
        "author",
        "quoted",
        "created_at",
        "edited_at",
        "deleted_at",
        "body",
        "body_html",
    )
    readonly_fields = fields
    inlines = (PostRevisionInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Authors delete through the site (a "deleted" mark stays); moderators hide.
        return False
