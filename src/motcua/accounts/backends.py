"""The authentication backend: Django's model backend (password login, permissions), with the user of a
session read together with their roles.

Every back-office request loads its user from the session and then the user's roles (``org.scoping``);
both come with the session's own row (``accounts/sessions.py``), or else in one compiled query
(``motcua.core.compiled``), which the API's token look-up also does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from motcua.core.compiled import CompiledQuery
from motcua.org.scoping import roles_parse, roles_prime, roles_text, subtrees_parse

from .models import User

# The user's concrete fields, in the order ``Model.from_db`` takes them.
USER_FIELDS = list(User._meta.concrete_fields)


def user_from_row(row: dict[str, Any], prefix: str = "") -> User:
    """A ``User`` from a ``values()`` row holding every concrete field (named ``prefix + name``) and the
    ``roles`` of ``org.scoping.roles_text``, its roles kept on it for the request."""
    user = User.from_db(
        User.objects.db,
        [field.attname for field in USER_FIELDS],
        [row[f"{prefix}{field.name}"] for field in USER_FIELDS],
    )
    roles_prime(user, roles_parse(row["roles"]), subtrees_parse(row["roles"]))
    return user


_USER = CompiledQuery(
    lambda pk: (
        User.objects.filter(pk=pk)
        .order_by()
        .annotate(roles=roles_text("pk"))
        .values("roles", *(field.name for field in USER_FIELDS))[:1]
    ),
    pk=-7_000_000_001,
)


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        # Imported here: the session engine reads its users' fields from this module.
        from .sessions import session_user

        read_with_session = session_user(pk)
        if read_with_session is not None:
            user = user_from_row(read_with_session, "user__")
        else:
            row = _USER.first(pk=pk)
            if row is None:
                return None
            user = user_from_row(row)
        return user if self.user_can_authenticate(user) else None
