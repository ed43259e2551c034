"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403

DEBUG = True
# A development-only key; production.py refuses to start without a real one.
SECRET_KEY = "django-insecure-dev-only-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
GRAPHIQL = True
# Frontends in development, on any local port.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://(localhost|127\.0\.0\.1)(:\d+)?$"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
