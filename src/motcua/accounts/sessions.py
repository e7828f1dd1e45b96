"""The session engine (``SESSION_ENGINE``): Django's database sessions, read by a compiled query.

Every back-office request loads its session first; Django builds that query anew each time, which cost
more than PostgreSQL takes to answer it. Here it is built once per process (``motcua.core.compiled``) and the
expiry is checked in Python on the row read by its key. Writing, expiry and clearing are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from motcua.core.compiled import CompiledQuery

_SESSION = CompiledQuery(
    lambda key: Session.objects.filter(session_key=key).values("session_data", "expire_date")[:1],
    key="\x00session",
)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        row = _SESSION.first(key=self.session_key) if self.session_key else None
        if row is None or row["expire_date"] <= timezone.now():
            # Unknown or expired: a new session, as Django's own store does.
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(row["session_data"])
        return data
