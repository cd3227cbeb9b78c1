from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from membrane.charter.models import CharterAcceptance, CharterArticle, CharterVersion
from membrane.charter.services import charter_publish


class CharterArticleInline(admin.StackedInline):
    model = CharterArticle
    extra = 1

    # The articles of a published version are what people accepted.
    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "published_at", "created_at"]
    search_fields = ["title", "articles__title", "articles__body"]
    inlines = [CharterArticleInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is the text people accepted: it never changes.
        if obj is not None and obj.is_published:
            return ["number", "title", "preamble", "summary_of_changes", "published_at"]
        return ["published_at"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    @admin.action(description=_("Publish the selected versions"))
    def publish(self, request: HttpRequest, queryset: QuerySet[CharterVersion]) -> None:
        for version in queryset.order_by("number"):
            charter_publish(version=version)
        messages.success(
            request,
            _("Published. Everyone will be asked to accept the new charter at their next visit."),
        )


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "accepted_at"]
    list_select_related = ["user", "version"]
    search_fields = ["user__email", "user__last_name"]
    list_filter = ["version"]
