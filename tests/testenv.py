"""Loaded by pytest before Django's settings (``-p tests.testenv`` in pyproject.toml): the test
environment's settings. Background tasks run immediately so tests see their effects without a worker."""

import os

os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
