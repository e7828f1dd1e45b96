"""The simulators' addresses: the digital-ID provider (``/gia-lap/vneid/``) and the population database
(``/gia-lap/dan-cu/``), both "mô phỏng", used by the demo and the tests."""

from django.urls import include, path

from .identity.contrib.vneid_simulator import views as vneid
from .population.contrib.simulator import views as population

vneid_patterns = (
    [
        path(".well-known/openid-configuration", vneid.discovery, name="discovery"),
        path("dang-nhap/", vneid.authorize, name="authorize"),
        path("token/", vneid.token, name="token"),
        path("jwks/", vneid.jwks, name="jwks"),
    ],
    "vneid_simulator",
)
population_patterns = (
    [path("citizens/<str:id_number>", population.citizen, name="citizen")],
    "population_simulator",
)

urlpatterns = [
    path("gia-lap/vneid/", include(vneid_patterns)),
    path("gia-lap/dan-cu/", include(population_patterns)),
]
