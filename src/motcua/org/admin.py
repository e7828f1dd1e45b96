from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Agency, ServiceCenter, StaffRole
from .services import agency_save


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("agency",)


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "level",
            "admin_unit",
            "address",
            "phone",
            "email",
            "is_active",
        )

    def clean_parent(self) -> Agency | None:
        parent: Agency | None = self.cleaned_data.get("parent")
        # Refused here so that the officer sees a form error rather than a failed save.
        if (
            parent
            and self.instance.pk
            and (parent.pk == self.instance.pk or f"/{self.instance.pk}/" in parent.path)
        ):
            raise forms.ValidationError(_("An agency cannot be placed under itself or its own sub-unit."))
        return parent


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ("tree_name", "code", "kind", "level", "admin_unit", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("name", "short_name", "code")
    list_select_related = ("level", "admin_unit")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("admin_unit",)
    inlines = (StaffRoleInline,)

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj: Agency) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return format_html("{}{}", "\u2003" * depth, obj.name)

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm[Agency], change: bool) -> None:
        agency_save(obj)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(AgencyAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        return ServiceCenter.objects.select_related("level", "admin_unit")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")
