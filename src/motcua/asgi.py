import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_asgi_application()

from motcua.startup import settle  # noqa: E402 - needs the settings set up above

settle()
