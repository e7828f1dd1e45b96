from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

# The engine's tests receive real dossiers: they reuse the dossier app's officers, applicant and the
# temporary media root (autouse, so no test writes files into the project).
from motcua.dossiers.tests.conftest import commune_specialist, desk_officer, media_root, person

__all__ = ["commune_specialist", "desk_officer", "media_root", "person"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Assertions compare the English source messages, whatever catalog the project ships.
    with translation.override("en"):
        yield
