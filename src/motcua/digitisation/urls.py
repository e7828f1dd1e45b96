"""Digitisation screens under the back office (``/mot-cua/``)."""

from django.urls import path

from . import views

app_name = "digitisation"

urlpatterns = [
    path("mot-cua/tim-van-ban/", views.search, name="search"),
    path("mot-cua/so-hoa/", views.batches, name="batches"),
    path("mot-cua/so-hoa/chi-so/", views.figures, name="figures"),
    path("mot-cua/so-hoa/<int:batch_id>/", views.batch_detail, name="batch"),
    path("mot-cua/so-hoa/<int:batch_id>.json", views.batch_progress, name="batch-progress"),
    path("mot-cua/ho-so/<str:code>/so-hoa.json", views.progress, name="progress"),
    path("mot-cua/ho-so/<str:code>/so-hoa/<int:result_id>.pdf", views.pdfa, name="pdfa"),
    path("mot-cua/ho-so/<str:code>/so-hoa/<int:result_id>/du-lieu/", views.key_fields, name="key-fields"),
]
