from django.contrib import admin

from membrane.core.instance import forget_instance_settings
from membrane.core.models import InstanceSettings, OutgoingEmail


@admin.register(InstanceSettings)
class InstanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "primary_colour"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_instance_settings()

    def has_add_permission(self, request):
        return not InstanceSettings.objects.exists()


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Staff see here every email, and above all the ones that failed."""

    list_display = ["created_at", "to", "subject", "purpose", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry"]

    @admin.action(description="Retry delivery")
    def retry(self, request, queryset):
        from membrane.core.tasks import deliver_email

        for email in queryset.exclude(status=OutgoingEmail.Status.SENT):
            email.status = OutgoingEmail.Status.QUEUED
            email.attempts = 0
            email.save(update_fields=["status", "attempts"])
            deliver_email.enqueue(email.pk)
