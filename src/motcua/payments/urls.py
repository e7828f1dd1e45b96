"""Payment pages: /thanh-toan/ (portal side), /mot-cua/thanh-toan/ and the dossier's cash collection
(back office), /gia-lap/thanh-toan/ (the local gateway simulator)."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/ket-qua/", views.payment_result, name="return"),
    path("thanh-toan/ipn/", views.ipn, name="ipn"),
    path("thanh-toan/bien-lai/<str:order_ref>.pdf", views.receipt_download, name="receipt"),
    path("thanh-toan/bien-lai/xac-thuc/<uuid:token>/", views.receipt_verify, name="receipt-verify"),
    path("mot-cua/thanh-toan/", views.payment_list, name="list"),
    path("mot-cua/thanh-toan/doi-soat/", views.reconcile, name="reconcile"),
    path("mot-cua/ho-so/<str:code>/thu-phi/", views.cash_collect, name="cash"),
    path("gia-lap/thanh-toan/", views.sandbox_pay, name="sandbox-pay"),
    path("gia-lap/thanh-toan/<int:txn_id>/", views.sandbox_decide, name="sandbox-decide"),
    path("gia-lap/thanh-toan/api/", views.sandbox_api, name="sandbox-api"),
]
