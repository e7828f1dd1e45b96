"""The population-database simulator over HTTP (``/gia-lap/dan-cu/citizens/<id>``), in the shape the
``http`` adapter assumes: it lets that adapter be exercised end to end. Who: a client presenting the
simulator's bearer token (derived from SECRET_KEY)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from motcua.integrations.models import SimulatedCitizen


def simulator_token() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"motcua-population-simulator", hashlib.sha256).hexdigest()


@require_GET
def citizen(request: HttpRequest, id_number: str) -> JsonResponse:
    expected = f"Bearer {simulator_token()}"
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
        return JsonResponse({"error": "unauthorized"}, status=401)
    person = SimulatedCitizen.objects.filter(id_number=id_number).first()
    if person is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return JsonResponse(
        {
            "id_number": person.id_number,
            "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(),
            "sex": person.sex,
            "ethnicity": person.ethnicity,
            "permanent_address": person.permanent_address,
            "commune_code": person.commune_code,
        }
    )
