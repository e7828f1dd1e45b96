from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.org.admin import StaffRoleInline

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ("full_name", "phone", "email_verified_at", "phone_verified_at")}),
        (
            _("Applicant"),
            {
                "fields": (
                    "kind",
                    "id_number",
                    "id_verified_at",
                    "date_of_birth",
                    "tax_code",
                    "representative",
                )
            },
        ),
    )
    list_display = ("username", "full_name", "kind", "email", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone", "id_number", "tax_code")
    inlines = (StaffRoleInline,)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "user", "is_active", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        # Tokens are issued with `motcua api_token USER`, which shows the secret once.
        return False
