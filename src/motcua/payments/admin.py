from django.contrib import admin
from django.http import HttpRequest

from .models import Payment, PaymentEvent, Receipt


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "verdict", "detail", "params")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order_ref", "payer_name", "amount", "channel", "provider", "status", "created_at")
    list_filter = ("status", "channel", "provider")
    search_fields = ("order_ref", "transaction_no", "payer_name")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ("series", "number", "year", "payer_name", "amount", "issued_at")
    search_fields = ("payer_name", "payment__order_ref")
    readonly_fields = [f.name for f in Receipt._meta.fields]
