"""Signing desk for leaders (under ``/mot-cua/``) and the public verification pages (``/xac-thuc/``)."""

from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("mot-cua/ky-so/", views.sign_results, name="sign"),
    path("xac-thuc/", views.verify, name="verify"),
    path("xac-thuc/<str:token>/", views.verify_registered, name="verify-registered"),
]
