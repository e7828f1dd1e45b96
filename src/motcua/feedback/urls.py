"""Rating pages: the applicant's under ``/ho-so-cua-toi/``, the officers' under ``/mot-cua/danh-gia/``."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.rate, name="rate"),
    path("mot-cua/danh-gia/", views.figures, name="figures"),
    path("mot-cua/danh-gia/phieu/", views.ratings, name="ratings"),
    path("mot-cua/danh-gia/xuat-excel/", views.export, name="export"),
]
