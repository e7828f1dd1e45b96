from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Assertions compare the English source messages, whatever catalog the project ships.
    with translation.override("en"):
        yield
