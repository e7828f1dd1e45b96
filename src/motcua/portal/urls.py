from django.urls import path

from . import accounts, datastore, online, views

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
    # Accounts (officers log in here too: LOGIN_URL).
    path("dang-ky/", accounts.register, name="register"),
    path("dang-ky/xac-thuc/", accounts.register_verify, name="register-verify"),
    path("dang-nhap/", accounts.login_view, name="login"),
    path("dang-nhap/vneid/", accounts.vneid_start, name="vneid-start"),
    path("dang-nhap/vneid/callback/", accounts.vneid_callback, name="vneid-callback"),
    path("dang-xuat/", accounts.logout_view, name="logout"),
    path("quen-mat-khau/", accounts.password_forgot, name="password-forgot"),
    path("quen-mat-khau/dat-lai/", accounts.password_reset, name="password-reset"),
    path("tai-khoan/", accounts.account, name="account"),
    path("tai-khoan/mat-khau/", accounts.password_change, name="password-change"),
    path("tai-khoan/lien-ket-vneid/", accounts.vneid_link, name="vneid-link"),
    path("ho-so-cua-toi/", online.my_dossiers, name="my-dossiers"),
    # The personal data store (kho dữ liệu cá nhân): the account's own documents only.
    path("kho-du-lieu/", datastore.store, name="datastore"),
    path("kho-du-lieu/them/", datastore.store_add, name="datastore-add"),
    path("kho-du-lieu/<uuid:key>/tai-ve/", datastore.store_download, name="datastore-download"),
    path("kho-du-lieu/<uuid:key>/xoa/", datastore.store_delete, name="datastore-delete"),
    path("ho-so-cua-toi/<str:code>/", online.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/ket-qua/<int:result_id>/", online.my_result, name="my-result"),
]
