"""Officers' screens of the electronic one-stop system (Hệ thống một cửa điện tử), under ``/mot-cua/``."""

from django.urls import path

from . import online, population, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("tiep-nhan/", views.reception, name="reception"),
    path("tiep-nhan/tra-cuu-dan-cu/", population.population_lookup, name="population-lookup"),
    path("ho-so/", views.inbox, name="inbox"),
    path("truc-tuyen/", online.queue, name="online-queue"),
    path("truc-tuyen/<int:pk>/", online.submission_detail, name="online-submission"),
    path("truc-tuyen/<int:pk>/tep/<int:file_id>/", online.submission_file, name="online-file"),
    path("so-theo-doi/", views.register, name="register"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/xem/", views.attachment_view, name="attachment-view"),
    path("ho-so/<str:code>/mau-01.pdf", views.receipt_slip, name="receipt-slip"),
    path("ho-so/<str:code>/mau-02.pdf", views.supplement_slip, name="supplement-slip"),
    path("ho-so/<str:code>/mau-03.pdf", views.refusal_slip, name="refusal-slip"),
    path("ho-so/<str:code>/mau-04.pdf", views.apology_slip, name="apology-slip"),
    path(
        "ho-so/<str:code>/ket-qua/<int:document_id>/", views.result_document_download, name="result-document"
    ),
    path("tiep-nhan/phieu/<int:decision_id>.pdf", views.counter_slip, name="counter-slip"),
    path("ho-so/<str:code>/mau-05.pdf", views.control_slip, name="control-slip"),
]
