"""The one REST API of MotCua (django-ninja, OpenAPI 3.1). Domain apps contribute routers; the
generated document is committed at docs/api/openapi.json and checked by the test suite."""

from __future__ import annotations

from ninja import NinjaAPI

from motcua.catalog.api import router as catalog_router
from motcua.dossiers.api import router as dossier_router
from motcua.feedback.api import router as rating_router
from motcua.signing.api import router as verification_router
from motcua.workdays.api import router as calendar_router

api = NinjaAPI(
    title="MotCua API",
    version="1.0.0",
    description=(
        "API của hệ thống thông tin giải quyết thủ tục hành chính MotCua. "
        "Public catalog look-up needs no authentication."
    ),
    urls_namespace="api",
)
api.add_router("/", catalog_router)
api.add_router("/", calendar_router)
api.add_router("/", dossier_router)
api.add_router("/", verification_router)
api.add_router("/", rating_router)
