from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from motcua.api.router import api

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua")
admin.site.index_title = _("System administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the back office: /mot-cua/ky-so/ is the signing desk.
    path("", include("motcua.signing.urls")),
    path("", include("motcua.digitisation.urls")),
    path("", include("motcua.payments.urls")),
    path("", include("motcua.integrations.urls")),
    # Before the portal's /ho-so-cua-toi/<code>/… pages and the back office.
    path("", include("motcua.feedback.urls")),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
