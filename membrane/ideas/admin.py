from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from membrane.ideas.models import Answer, Idea, IdeaBox, Step, Support, Theme
from membrane.ideas.services import supports_delete


@admin.register(IdeaBox)
class IdeaBoxAdmin(admin.ModelAdmin):
    list_display = [
        "space",
        "is_open",
        "threshold_supports",
        "threshold_percent",
        "answer_delay_days",
    ]
    list_filter = ["is_open", "members_only_support"]
    search_fields = ["space__name"]
    raw_id_fields = ["space", "opened_by"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    readonly_fields = ["box", "entered_at", "threshold_reached_at", "answered_at", "forwarded_at"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["step", "author", "from_status", "to_status", "text", "created_at"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "box",
        "status",
        "support_count",
        "author",
        "created_at",
        "moderation_state",
    ]
    list_filter = ["status", "moderation_state"]
    search_fields = ["title", "description"]
    raw_id_fields = ["box", "author", "merged_into"]
    inlines = [StepInline, AnswerInline]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    """Supports are read here and may be deleted, through the service that
    keeps their ideas' stored counts; they are given on the idea's page."""

    list_display = ["idea", "user", "created_at"]
    raw_id_fields = ["idea", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Support | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Support) -> None:
        supports_delete(Support.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Support]) -> None:
        supports_delete(queryset)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
