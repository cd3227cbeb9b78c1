"""Events in the admin: to look and to fix by hand. Changes that people must
hear of (time, place, cancellation) go through the pages or the API, which
tell them; the admin does not."""

from django.contrib import admin

from membrane.events.models import Event, Rsvp


class RsvpInline(admin.TabularInline):
    model = Rsvp
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at", "checked_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "space", "starts_at", "departement", "capacity", "cancelled_at"]
    list_filter = ["moderation_state", "departement"]
    search_fields = ["title", "commune", "space__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["space", "organiser", "campaign"]
    readonly_fields = ["sequence", "reminded_for", "created_at", "updated_at"]
    inlines = [RsvpInline]
