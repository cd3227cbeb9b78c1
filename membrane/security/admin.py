from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from membrane.security.models import AuditEntry, UserSession


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the log is append-only, even for superusers."""

    list_display = ["at", "actor", "action", "target_type", "target_id", "ip_prefix", "path"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["summary", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin[UserSession]):
    list_display = ["user", "browser", "system", "ip_prefix", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    exclude = ["session_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Ending a session is the person's own page (it clears the store too).
        return False
