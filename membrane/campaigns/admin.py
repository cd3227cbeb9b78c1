"""Campaigns in the admin: to look and to fix (the pages are the usual way
to create and edit them). Reports are read-only here; an absurd one may be
deleted."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from membrane.campaigns.models import Campaign, FieldReport, Goal, KitDocument
from membrane.core.markdown import render_markdown


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class KitDocumentInline(admin.TabularInline):
    model = KitDocument
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "space", "starts_on", "ends_on"]
    list_filter = ["space__kind"]
    search_fields = ["title"]
    raw_id_fields = ["space", "created_by"]
    readonly_fields = ["slug", "description_html"]
    inlines = [GoalInline, KitDocumentInline]

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        obj.description_html = render_markdown(obj.description)
        super().save_model(request, obj, form, change)


@admin.register(FieldReport)
class FieldReportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "count", "done_on", "section", "created_at"]
    list_filter = ["kind", "campaign"]
    raw_id_fields = ["campaign", "user", "section"]
    list_select_related = ["campaign", "section"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
