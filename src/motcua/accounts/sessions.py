"""The session engine (``SESSION_ENGINE``): Django's database sessions, whose rows also name their user.

Every back-office request reads its session, then its user with the user's roles. The session row keeps
the user's key (``UserSession.user``, set whenever the session is saved), so one compiled query
(``motcua.core.compiled``) reads the session, the user and the roles together; the user's row is handed to
``AccountBackend.get_user`` of the same request, which Django calls next with the id the session holds and
which still checks everything Django checks (the user is active, the session's password hash). The expiry
is checked in Python on the row read by its key. Writing, expiry and clearing are Django's own.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.signals import request_finished
from django.utils import timezone

from motcua.core.compiled import CompiledQuery
from motcua.org.scoping import roles_text

from .backends import USER_FIELDS
from .models import UserSession

_SESSION = CompiledQuery(
    lambda key: (
        UserSession.objects.filter(session_key=key)
        .order_by()
        .annotate(roles=roles_text("user_id"))
        .values("session_data", "expire_date", "user_id", "roles", *(f"user__{f.name}" for f in USER_FIELDS))[
            :1
        ]
    ),
    key="\x00session",
)

# The user row read with the session being loaded in this request (or thread), for ``session_user``.
_LOADED_USER: ContextVar[tuple[int, dict[str, Any]] | None] = ContextVar("motcua_session_user", default=None)


def forget_session_user(**_signal: Any) -> None:
    """Drop the user row read with a session: it serves only the request that read it."""
    _LOADED_USER.set(None)


request_finished.connect(forget_session_user, dispatch_uid="motcua.accounts.sessions.forget_session_user")


def session_user(user_id: int) -> dict[str, Any] | None:
    """The row of user ``user_id`` read with this request's session, once; None if it was not."""
    loaded = _LOADED_USER.get()
    _LOADED_USER.set(None)
    if loaded is None or loaded[0] != user_id:
        return None
    return loaded[1]


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        session = super().create_model_instance(data)
        assert isinstance(session, UserSession)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def load(self) -> dict[str, Any]:
        row = _SESSION.first(key=self.session_key) if self.session_key else None
        _LOADED_USER.set(None)
        if row is None or row["expire_date"] <= timezone.now():
            # Unknown or expired: a new session, as Django's own store does.
            self._session_key = None
            return {}
        if row["user_id"] is not None:
            _LOADED_USER.set((row["user_id"], row))
        data: dict[str, Any] = self.decode(row["session_data"])
        return data
