from __future__ import annotations

from django.http import HttpRequest

from motcua.core.ratelimit import client_ip

from .models import AccessLog


def access_record(
    request: HttpRequest, *, channel: str, action: str, object_type: str, object_ref: str, detail: str = ""
) -> AccessLog:
    user = (
        request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    )
    ip = client_ip(request)
    return AccessLog.objects.create(
        user=user,
        ip=ip if ip != "unknown" else None,
        channel=channel,
        action=action,
        object_type=object_type,
        object_ref=object_ref[:80],
        detail=detail[:255],
    )
