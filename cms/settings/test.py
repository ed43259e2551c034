"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL names one."""

import secrets

from .base import *  # noqa: F403

# Random per test process: nothing signed in one run is valid in another.
SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Tests send many requests from one address; test_ratelimit.py sets its own limits.
CMS_RATE_LIMITS = dict.fromkeys(CMS_RATE_LIMITS, (10000, 60))  # noqa: F405
# The defaults, whatever the shell exports: the tests set what they check.
CMS_MEDIA_BASE_URL = ""
CMS_PUBLIC_BASE_URLS = ""
CMS_SLUG_STYLE = "unicode"
CMS_PREVIEW_URL = ""
WAGTAILFRONTENDCACHE = {}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILLOCALIZE_MACHINE_TRANSLATOR["OPTIONS"]["TRADITIONAL_VARIANT"] = "s2t"  # noqa: F405
# Tasks run at once, in the process that queues them, as the work did before it
# moved to the worker; tests of the queue itself use the `task_queue` fixture
# (tests/conftest.py), which puts the database queue back.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

CMS_SLOW_REQUEST_MS = 1000
CMS_SLOW_QUERY_MS = 200
# Changes reach the response cache when their transaction commits, which a test's
# never does unless it says so (django_capture_on_commit_callbacks): the tests of
# caching turn it on (tests/delivery/test_responses.py).
CMS_RESPONSE_CACHE = False
