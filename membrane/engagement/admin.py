from django.contrib import admin

from membrane.engagement.models import BadgeAward, InviteCode, PointAward, Referral


@admin.register(PointAward)
class PointAwardAdmin(admin.ModelAdmin):
    list_display = ["user", "rule", "key", "points", "created_at"]
    list_filter = ["rule"]
    raw_id_fields = ["user"]
    search_fields = ["key", "user__email"]


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    list_display = ["user", "badge", "level", "earned_at"]
    list_filter = ["badge", "level"]
    raw_id_fields = ["user"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["invitee", "inviter", "created_at"]
    raw_id_fields = ["invitee", "inviter"]


@admin.register(InviteCode)
class InviteCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "code", "created_at"]
    raw_id_fields = ["user"]
    search_fields = ["code", "user__email"]
