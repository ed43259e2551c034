"""Production settings with one more route, /slow/, for tests/test_app_server.py:
a request that stays in flight while the test signals the server."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.slow_urls"
