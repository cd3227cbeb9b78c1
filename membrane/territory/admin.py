from django.contrib import admin

from membrane.territory.models import Animator, Unit


class AnimatorInline(admin.TabularInline):
    model = Animator
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "commune", "postcode", "parent", "member_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "commune", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["parent"]
    inlines = [AnimatorInline]


@admin.register(Animator)
class AnimatorAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "since"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__email", "user__last_name", "unit__name"]
    raw_id_fields = ["user", "unit"]
