from django.contrib import admin

from .models import AdministrativeUnit, Level


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "rank")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "division_type", "level", "parent", "is_active")
    list_filter = ("level", "is_active", "division_type")
    search_fields = ("name", "code")
    list_select_related = ("level", "parent")
    raw_id_fields = ("parent",)
