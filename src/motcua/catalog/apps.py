from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        from .search_index import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="motcua_catalog_search_index")
