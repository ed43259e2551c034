"""Local development: `make run`. Never used in production."""

import os

from .base import *  # noqa: F403


def checkout_secret_key(path):
    """This checkout's own random key, made on first use and kept in `path` (ignored
    by git, readable by its owner only). A key in the repository would let anyone
    sign what the server trusts (sessions, password-form cookies) on every
    development server started from it."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    from django.core.management.utils import get_random_secret_key

    key = get_random_secret_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or checkout_secret_key(
    BASE_DIR / ".secret-key"  # noqa: F405
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CMS_GRAPHIQL = True
# Frontends in development, on any local port.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://(localhost|127\.0\.0\.1)(:\d+)?$"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# `make run`'s web server and task worker are two processes, each with the cache
# in its own memory (base.py): the server's response cache would never learn of
# what the worker changes (the zh-hant edition it makes after each publication,
# the search index, scheduled publishing) and would go on answering from before.
CMS_RESPONSE_CACHE = False
