"""Loaded by pytest before Django's settings (``-p tests.testenv`` in pyproject.toml): the test
environment's settings. Background tasks run immediately so tests see their effects without a worker."""

import os
import tempfile

os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
# Files the tests write (signing keys, the demo CA, media) go to a directory of their own, never var/.
os.environ.setdefault("MOTCUA_DATA_DIR", tempfile.mkdtemp(prefix="motcua-test-data-"))
