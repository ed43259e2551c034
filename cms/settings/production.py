"""Production: everything from the environment, and no insecure default.

Required: SECRET_KEY (50+ characters, not a development key), DATABASE_URL,
ALLOWED_HOSTS (comma-separated host names), CACHE_URL (redis://...; the cache all
processes share). Optional: MEDIA_ROOT, MEDIA_URL, the media bucket
(AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
AWS_S3_ACCESS_KEY_ID, AWS_S3_SECRET_ACCESS_KEY), WAGTAILADMIN_BASE_URL,
CMS_MEDIA_BASE_URL and CMS_PUBLIC_BASE_URLS (read in base.py),
CSRF_TRUSTED_ORIGINS, CORS_ALLOWED_ORIGINS (the frontends' origins),
CMS_GRAPHQL_INTROSPECTION and CMS_TRUSTED_DOCUMENTS (default off), the caching
of answers (CMS_RESPONSE_CACHE, CMS_HTTP_MAX_AGE, CMS_HTTP_STALE_WHILE_REVALIDATE,
CMS_CDN_MAX_AGE), SENTRY_DSN and
SENTRY_ENVIRONMENT (error reporting, default none and "production"),
SECURE_SSL_REDIRECT (default on; set "false" only when the proxy in front already
redirects). A missing or unsafe value stops the process at start-up with
ImproperlyConfigured that names the variable, rather than serving with a default
nobody chose.
"""

import logging
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _require(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Production settings need the {name} variable.")
    return value


def _flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
    return word in {"1", "true", "yes", "on"}


def _list(name):
    return [
        item.strip() for item in os.environ.get(name, "").split(",") if item.strip()
    ]


def _number(name, default):
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}."
        ) from None


DEBUG = False

SECRET_KEY = _require("SECRET_KEY")
# Django's own bar for a strong key (security.W009), enforced at start-up.
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters "
        "(5 or more different ones), not a development key."
    )

ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list host names, not '*'.")
# Links in notification emails; the first host name unless set.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}"
)
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
# The frontends' origins (https://www.example.org,https://m.example.org): browsers
# may call the API from these only.
CORS_ALLOWED_ORIGINS = _list("CORS_ALLOWED_ORIGINS")
# GraphiQL is off (base.py); introspection only when a deployment wants it.
CMS_GRAPHQL_INTROSPECTION = _flag("CMS_GRAPHQL_INTROSPECTION", False)
# Only registered GraphQL documents on the public endpoint (base.py).
CMS_TRUSTED_DOCUMENTS = _flag("CMS_TRUSTED_DOCUMENTS", False)
# Refuse to publish incomplete translations (base.py).
CMS_REFUSE_INCOMPLETE_TRANSLATIONS = _flag("CMS_REFUSE_INCOMPLETE_TRANSLATIONS", False)
# The response cache and how long browsers and CDNs keep answers (base.py): a
# deployment sets s-maxage once its CDN is purged on change (README, "Caching").
CMS_RESPONSE_CACHE = _flag("CMS_RESPONSE_CACHE", CMS_RESPONSE_CACHE)  # noqa: F405
CMS_HTTP_MAX_AGE = _number("CMS_HTTP_MAX_AGE", CMS_HTTP_MAX_AGE)  # noqa: F405
CMS_HTTP_STALE_WHILE_REVALIDATE = _number(
    "CMS_HTTP_STALE_WHILE_REVALIDATE",
    CMS_HTTP_STALE_WHILE_REVALIDATE,  # noqa: F405
)
CMS_CDN_MAX_AGE = _number("CMS_CDN_MAX_AGE", CMS_CDN_MAX_AGE)  # noqa: F405

# Connections are kept for a minute and checked before a request reuses one, so
# none left broken by a database restart fails a request; a database that does
# not answer is given up on after 5 seconds (?connect_timeout=N in DATABASE_URL
# changes it; the request is then a 503) instead of hanging the worker.
DATABASES = {
    "default": dj_database_url.parse(  # noqa: F405
        _require("DATABASE_URL"), conn_max_age=60, conn_health_checks=True
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The cache every process shares (rate limits, view de-duplication, Wagtail's
# site root paths): per-process counts would let a client through once per
# process. While Redis does not answer, cms.cache serves from process memory.
cache_url = _require("CACHE_URL")
if not cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL.")
CACHES = {"default": {"BACKEND": "cms.cache.FailSafeRedisCache", "LOCATION": cache_url}}

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
MEDIA_URL = os.environ.get("MEDIA_URL", MEDIA_URL)  # noqa: F405
# Static files served by the application itself, compressed and cache-busted.
MIDDLEWARE = [
    *MIDDLEWARE[:3],  # noqa: F405  (request log, health endpoints, API errors first)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[3:],  # noqa: F405
]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "cms.static_storage.StaticFilesStorage",
    },
}
# Media in a private S3-compatible bucket when one is named (every app process
# then shares it), on local disk otherwise. Readers still get files from this
# application's checked routes, at CMS_MEDIA_BASE_URL (cms/content/storage.py).
# Without AWS_S3_ACCESS_KEY_ID, boto3 finds credentials itself (AWS_ACCESS_KEY_ID,
# an instance role); without AWS_S3_ENDPOINT_URL, the bucket is on AWS.
media_bucket = {
    "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip(),
    "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
    "access_key": os.environ.get("AWS_S3_ACCESS_KEY_ID") or None,
    "secret_key": os.environ.get("AWS_S3_SECRET_ACCESS_KEY") or None,
}
if media_bucket["bucket_name"]:
    if urlsplit(MEDIA_URL).netloc or not MEDIA_URL.startswith("/"):
        raise ImproperlyConfigured(
            "With AWS_STORAGE_BUCKET_NAME, MEDIA_URL must be a path on this site "
            "(/media/): files are served by the application, not the bucket."
        )
    STORAGES["default"] = {
        "BACKEND": "cms.content.storage.PrivateS3Storage",
        "OPTIONS": {k: v for k, v in media_bucket.items() if v is not None},
    }

# Logs: one JSON object a line on stderr (cms/observability.py), Python's
# warnings included (as log records of `py.warnings`).
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
logging.captureWarnings(True)
# Errors to Sentry (or a compatible service) when a DSN is given; else nothing.
if sentry_dsn := os.environ.get("SENTRY_DSN", "").strip():
    from cms.observability import init_error_reporting

    init_error_reporting(sentry_dsn, os.environ.get("SENTRY_ENVIRONMENT", "production"))

# Proxies in front of the application (cms/clients.py); one TLS proxy by default.
CMS_NUM_PROXIES = _number("CMS_NUM_PROXIES", 1)

# HTTPS everywhere; behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = _number("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's admin shows page previews in a same-origin iframe, so not DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"

# Two deliberate choices that `check --deploy` would otherwise report:
# W019, X-Frame-Options SAMEORIGIN rather than DENY (the preview iframe above);
# W021, HSTS preload off by default, because entering a domain into the browsers'
# preload lists is hard to undo; a deployment opts in with SECURE_HSTS_PRELOAD=true.
SILENCED_SYSTEM_CHECKS = ["security.W019", "security.W021"]
