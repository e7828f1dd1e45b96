from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", views.component_template, name="component-template"),
    path("tra-cuu-ho-so/", views.dossier_tracking, name="dossier-tracking"),
]
