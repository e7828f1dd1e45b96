"""A fixed-window rate limit on Django's cache (per process in the demo; shared through Redis or the
database cache when several app processes run)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. uWSGI/gunicorn --forwarded-allow-ips);
    # X-Forwarded-For is not trusted here because a client can forge it.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def rate_limited(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit; True when ``key`` has made more than ``limit`` hits in the current window."""
    bucket = f"ratelimit:{scope}:{key}:{int(time.time()) // window_seconds}"
    if cache.add(bucket, 1, timeout=window_seconds):
        return False
    try:
        hits = cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds)
        return False
    return hits > limit
