from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification, SimulatedCitizen, SimulatedMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "recipient", "reference", "status", "attempts", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("recipient", "reference")
    date_hierarchy = "created_at"


@admin.register(SimulatedMessage)
class SimulatedMessageAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "channel", "recipient", "reference", "body")
    list_filter = ("channel",)
    search_fields = ("recipient", "reference", "body")


@admin.register(SimulatedCitizen)
class SimulatedCitizenAdmin(admin.ModelAdmin):
    """The population-database simulator's people: an administrator may add demo citizens."""

    list_display = ("id_number", "full_name", "date_of_birth", "sex", "commune_code")
    search_fields = ("id_number", "full_name")
