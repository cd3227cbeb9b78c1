from django.contrib import admin

from membrane.notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "actor", "space", "thread", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["recipient", "actor", "space", "thread"]
    search_fields = ["recipient__email", "actor__email"]
    raw_id_fields = ["recipient", "actor", "space", "thread", "post"]
    readonly_fields = ["created_at", "emailed_at"]
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
