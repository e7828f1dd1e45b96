from django.urls import path

from . import datastore, online, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", views.component_template, name="component-template"),
    path("tra-cuu-ho-so/", views.dossier_tracking, name="dossier-tracking"),
    # Online filing (the applicant's own pages: login required, someone else's is a 404).
    path("thu-tuc/<str:code>/nop-truc-tuyen/", online.start, name="online-start"),
    path("nop-ho-so/<uuid:key>/", online.detail, name="online-detail"),
    path("nop-ho-so/<uuid:key>/to-khai/", online.declaration, name="online-declaration"),
    path("nop-ho-so/<uuid:key>/thanh-phan/", online.components, name="online-components"),
    path("nop-ho-so/<uuid:key>/xem-lai/", online.review, name="online-review"),
    path("nop-ho-so/<uuid:key>/thanh-toan/", online.pay, name="online-pay"),
    path("nop-ho-so/<uuid:key>/nop/", online.submit, name="online-submit"),
    path("nop-ho-so/<uuid:key>/rut/", online.withdraw, name="online-withdraw"),
    path("nop-ho-so/<uuid:key>/tep/<int:file_id>/", online.submission_file, name="online-file"),
    path("ho-so-cua-toi/", online.my_dossiers, name="my-dossiers"),
    # The personal data store (kho dữ liệu cá nhân): the account's own documents only.
    path("kho-du-lieu/", datastore.store, name="datastore"),
    path("kho-du-lieu/them/", datastore.store_add, name="datastore-add"),
    path("kho-du-lieu/<uuid:key>/tai-ve/", datastore.store_download, name="datastore-download"),
    path("kho-du-lieu/<uuid:key>/xoa/", datastore.store_delete, name="datastore-delete"),
    path("ho-so-cua-toi/<str:code>/", online.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/ket-qua/<int:result_id>/", online.my_result, name="my-result"),
]
