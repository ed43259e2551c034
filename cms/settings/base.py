"""Settings shared by every environment.

The embedded defaults (SQLite, media on local disk, Wagtail's database search backend)
make the project run with nothing installed; `production.py` reads the real services
from the environment. Any setting that differs per deployment is read from the
environment here once, so dev, test and production agree on its name.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False

INSTALLED_APPS = [
    "demo",
    "home",
    "newsroom",
    "organisation",
    "cms.content",
    "cms.api",
    "cms.localization",
    "cms.search",
    "cms.worker",
    "cms.delivery",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    # wagtail.search with its index updated on the worker (cms/search/tasks.py).
    "cms.search.wagtail_backend.apps.WagtailSearchConfig",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "graphene_django",
    "grapple",
    "corsheaders",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Around everything: the request id, the access log, slow requests and queries.
    "cms.observability.RequestLog",
    # Then /healthz and /readyz, before redirects, host checks, sessions.
    "cms.health.HealthEndpoints",
    "cms.api.errors.ApiErrors",  # errors on /graphql/ and /api/ as JSON
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous /graphql/ answers from the response cache, before sessions,
    # locale, tokens and CSRF (no SQL for a hit); HTTP caching headers on all.
    "cms.api.caching.ResponseCaching",
    # A frontend's token on /graphql/ and /api/: its own limits, named in the log.
    "cms.api.tokens.FrontendTokens",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Wagtail's redirects, none to a page readers cannot see.
    "cms.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Admin logins: after AXES_FAILURE_LIMIT failed attempts for one user name, or from
# one address, further attempts are refused for AXES_COOLOFF_TIME hours
# (django-axes; the failures are in the admin under Axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The same proxy-aware client address the view counter and rate limits use.
AXES_CLIENT_IP_CALLABLE = "cms.clients.client_ip"

# Browsers may call the API from the frontends' origins only (django-cors-headers);
# the API is anonymous, so no credentials cross origins.
CORS_URLS_REGEX = r"^/(graphql|api)/"
CORS_ALLOWED_ORIGINS = []
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database
# (postgres://user@host:port/name in production and in the PostgreSQL test pass).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=0
    )
}
# SQLite serves two processes in `make run` (the server and the worker): a
# transaction that read and then writes would fail at once with "database is
# locked" (an admin autosave's 500) when the other wrote in between. Taking the
# write lock when a transaction begins (IMMEDIATE) makes the second wait instead,
# up to `timeout` seconds. (Not the write-ahead log: switching a file to it needs
# the lock too, and a connection opened while the other writes would fail.)
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Languages. Content lives in three locale trees; the admin speaks the same three.
# zh-hans is the association's working language and so the default locale.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Translation (cms/localization). Machine translation routes by language pair:
# zh-hans <-> zh-hant through OpenCC, phrase by phrase, into the Traditional variant
# named here (s2t: OpenCC's standard forms; s2tw: Taiwan; s2twp: Taiwan with its
# vocabulary, 软件 -> 軟體; s2hk: Hong Kong), or one per site: `s2t,host=s2twp`
# (README, "Which Traditional Chinese"). Every other pair (English) goes to
# OTHER, a wagtail-localize translator such as
# {"CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
#  "OPTIONS": {"AUTH_KEY": "..."}}; with None, those pairs need a human translator.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "cms.localization.translators.LanguagePairTranslator",
    "OPTIONS": {
        "TRADITIONAL_VARIANT": os.environ.get("CMS_TRADITIONAL_VARIANT", "s2t"),
        "OTHER": None,
    },
}
# Keep the zh-hant edition of every zh-hans page and translatable snippet in step
# with its source on each publication (machine-converted, editors' overrides kept).
CMS_AUTO_TRADITIONAL = True
# Publishing a translated edition with untranslated segments: a warning (False) or
# refused (True) in the translation editor (cms/localization/wagtail_hooks.py).
CMS_REFUSE_INCOMPLETE_TRANSLATIONS = False

WAGTAIL_SITE_NAME = _("Zhejiang SME Association CMS")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The admin asks no third-party host for anything (editors' networks may not reach
# them): no Gravatar avatars, no check for a newer Wagtail, no banner and links
# to guide.wagtail.org (home/wagtail_hooks.py drops those of the help menu,
# cms/templates/wagtailadmin those of the dashboard and the content checks).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Documents only through Wagtail's serve view (/documents/<id>/<name>), which checks
# their collection's view restriction and streams the file: never the storage's URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The origin that serves /media/ and /documents/ to readers (this application's
# public address, or a CDN in front of it), prefixed to the file URLs of GraphQL
# answers and rich text; empty: relative URLs. WAGTAILADMIN_BASE_URL is the
# admin's address and is never used for them.
CMS_MEDIA_BASE_URL = os.environ.get("CMS_MEDIA_BASE_URL", "")
# Where readers reach each locale's pages (the frontend's addresses), for the
# absolute URLs of GraphQL's canonicalUrl, alternates and publicUrls, the sitemaps
# and robots.txt (cms/content/public_urls.py). Comma-separated `code=URL` entries
# and at most one bare URL, the default for locales not listed:
# "zh-hans=https://www.zjsme.org.cn,en=https://en.example.org,https://www.example.org".
# A listed locale's URL is its home page (a path prefix in it stays); other
# locales keep their language prefix below the default. Empty: the request's own
# origin with the language prefix, as Wagtail serves pages here.
CMS_PUBLIC_BASE_URLS = os.environ.get("CMS_PUBLIC_BASE_URLS", "")
# Wagtail's database search with the project's Chinese-aware terms, for the
# admin, its choosers and grapple's searchQuery (cms/search/wagtail_backend/).
# Not updated in the request (AUTO_UPDATE) but on the worker (cms/search/tasks.py);
# rebuilt in batches each committed on its own (ATOMIC_REBUILD), whose entries
# replace the old ones object by object, so searches work during a rebuild.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "cms.search.wagtail_backend",
        "AUTO_UPDATE": False,
        "ATOMIC_REBUILD": False,
    },
}
# Chinese titles stay Chinese in slugs: Wagtail keeps Unicode characters.
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# How new pages' slugs are made from titles: "unicode" (协会召开会员大会) or
# "pinyin" (xie-hui-zhao-kai-hui-yuan-da-hui); see home/slugs.py.
CMS_SLUG_STYLE = os.environ.get("CMS_SLUG_STYLE", "unicode")

# GraphQL. Grapple builds the types from the models of these apps; cms.api
# replaces the pieces grapple gets wrong for a multilingual site (see cms/api).
GRAPHENE = {
    "SCHEMA": "grapple.schema.schema",
    "MIDDLEWARE": [
        "cms.api.bookkeeping.PageBookkeeping",
        "cms.api.media.RestrictedMedia",
        "cms.api.media.MediaUrls",
        "cms.api.blocks.StreamFieldValues",
        # Listed later is outer: sets the reader's locale for StreamFieldValues.
        "cms.api.links.ReadingLocale",
        "cms.api.visibility.GrapplePages",
        "cms.api.renditions.RenditionLimit",
        "cms.api.ratelimit.SearchQueryLimit",
        # Outermost: records what each answer depends on, from the final values.
        "cms.api.caching.Dependencies",
    ],
}
GRAPPLE = {
    "APPS": ["home", "newsroom", "organisation"],
    "PAGE_INTERFACE": "cms.api.interfaces.PageInterface",
    "EXPOSE_GRAPHIQL": False,
    # The only renditions a client may ask for: each new filter spec costs CPU and
    # disk, so frontends pick from these (rendition(...) and srcSet(sizes: ...)).
    "ALLOWED_IMAGE_FILTERS": [
        *(f"width-{w}" for w in (320, 480, 640, 800, 1024, 1280, 1600)),
        *(f"width-{w}|format-webp" for w in (320, 480, 640, 800, 1024, 1280, 1600)),
        "fill-400x300",
        "fill-800x450",
        "fill-1200x630",
    ],
}
# Request bodies. /graphql/ reads at most CMS_GRAPHQL_MAX_BODY_SIZE bytes (a
# query is limited to MAX_TOKENS below; ten of them in a batch, with variables,
# stay well under it) and takes no file uploads; everything else, the admin's
# forms included, Django's limits, written out so that they are chosen: at most
# 2.5 MB of form fields in memory and 1,000 of them, files over 2.5 MB spooled to
# disk, and Wagtail's 10 MB per image upload.
CMS_GRAPHQL_MAX_BODY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Largest perPage a news listing and the member directory accept.
CMS_NEWS_MAX_PER_PAGE = 50
CMS_MEMBERS_MAX_PER_PAGE = 100
# Search (cms.search): the longest query accepted, in characters, and page size.
CMS_SEARCH_MAX_QUERY_LENGTH = 100
CMS_SEARCH_MAX_PER_PAGE = 50
# What reads the search index (cms/search/engine.py): a SearchIndex subclass.
CMS_SEARCH_INDEX = "cms.search.database.DatabaseIndex"
# A search with more matches than this estimates its totalCount
# (totalCountIsEstimate) and ranks only CMS_SEARCH_CANDIDATES candidates, chosen
# by a cheap bound: the results end after them (20 pages of 10).
CMS_SEARCH_EXACT_LIMIT = 1000
CMS_SEARCH_CANDIDATES = 200
# Previews (cms/content/previews.py): the admin sends editors to the frontend's
# preview URL for the page's site and locale, with {token} replaced by a token that
# opens the previewed state for CMS_PREVIEW_TOKEN_MAX_AGE seconds: one URL, or
# comma-separated `URL`, `code=URL`, `host=URL`, `host/code=URL` entries (`key=`:
# none there). Empty: the reading templates (cms/templates/reading).
CMS_PREVIEW_URL = os.environ.get("CMS_PREVIEW_URL", "")
CMS_PREVIEW_TOKEN_MAX_AGE = 60 * 60
# Per client (cms/api/ratelimit.py), counted in the cache: (calls, seconds).
# "preview-token" and "password" count wrong guesses only; "password-page" counts
# the wrong passwords for one protected page or collection from all clients.
# "suggest" (searchSuggestions) has its own, larger count: a search box asks once
# per character typed.
CMS_RATE_LIMITS = {
    "search": (60, 60),
    "suggest": (300, 60),
    "article-view": (30, 60),
    "rendition": (100, 60),
    "preview-token": (10, 600),
    "password": (10, 600),
    "password-page": (50, 3600),
}
# Reverse proxies in front of the application that append X-Forwarded-For; the
# client's address is read from there (cms/clients.py). None in development.
CMS_NUM_PROXIES = 0
# A client's repeated views of one article within this many seconds count once.
CMS_NEWS_VIEW_WINDOW = 30 * 60
# GraphiQL on GET /graphql/ (a browser IDE); only the dev settings turn it on.
CMS_GRAPHIQL = False
# Introspection (__schema, __type) for GraphQL clients' tooling; production reads
# CMS_GRAPHQL_INTROSPECTION from the environment.
CMS_GRAPHQL_INTROSPECTION = True
# Trusted documents (cms/api/persisted.py): when on, /graphql/ runs only documents
# registered with `manage.py register_documents`, except for frontend tokens that
# may send ad-hoc queries and users who may use the admin. Production reads
# CMS_TRUSTED_DOCUMENTS from the environment.
CMS_TRUSTED_DOCUMENTS = False
# Refused before execution (cms/api/limits.py): nesting, aliases, root fields,
# estimated cost (list fields multiply by their page size), any perPage/limit/first
# argument, and operations in one batched request.
CMS_GRAPHQL_LIMITS = {
    "MAX_DEPTH": 12,
    "MAX_ALIASES": 30,
    "MAX_ROOT_FIELDS": 10,
    "MAX_COST": 200_000,
    # Queries sent once per object (a page's children, siblings, ...), estimated
    # like the cost: `pages(limit: 100) { children { id } }` sends 100.
    "MAX_QUERIES": 500,
    "MAX_PAGE_SIZE": 100,
    "DEFAULT_LIST_SIZE": 10,
    "MAX_BATCH": 10,
    # Tokens of one document (the full introspection query has about 400).
    "MAX_TOKENS": 5_000,
    # Introspection (__schema, __type), counted on the schema itself: the full
    # introspection query of GraphiQL and graphql-codegen costs about 15,000.
    "MAX_INTROSPECTION_COST": 50_000,
    "MAX_INTROSPECTION_DEPTH": 20,
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Caching of /graphql/ answers (cms.api.caching, cms.delivery.responses; README,
# "Caching"). Anonymous query answers are kept in the shared cache, each with what
# it depended on, for at most CMS_RESPONSE_CACHE_TTL seconds (never past the next
# scheduled go-live or expiry) and dropped as soon as one of those changes.
# Browsers may reuse them for CMS_HTTP_MAX_AGE seconds and use a stale one while
# revalidating for CMS_HTTP_STALE_WHILE_REVALIDATE more; CDNs for CMS_CDN_MAX_AGE
# (s-maxage; 0: none, the CDN follows max-age), to be set once purges reach the
# CDN. Answers that show or sort by view counts are kept CMS_VIEW_COUNT_MAX_AGE
# seconds at most (0: never). With CMS_RESPONSE_CACHE off, nothing is kept:
# answers are `no-cache`, revalidated with their ETag.
CMS_RESPONSE_CACHE = True
CMS_RESPONSE_CACHE_TTL = 24 * 60 * 60
CMS_HTTP_MAX_AGE = 60
CMS_HTTP_STALE_WHILE_REVALIDATE = 60
CMS_CDN_MAX_AGE = 0
CMS_VIEW_COUNT_MAX_AGE = 60

# Background tasks (django-tasks): queued in the database, in the same transaction
# as the change that queues them, and run by `manage.py worker` (cms/worker), which
# `make run` starts beside the web server. A task that fails is tried again up to
# CMS_TASK_ATTEMPTS times in all, CMS_TASK_RETRY_DELAY seconds after the first
# failure, twice as long after each further one; then it stays failed, listed in
# the admin under Reports (cms/worker/views.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CMS_TASK_ATTEMPTS = 5
CMS_TASK_RETRY_DELAY = 10

# Change notifications (cms/delivery/webhooks.py): seconds a frontend's endpoint
# has to answer, days the delivery log is kept, seconds a rotated secret still
# signs beside the new one.
CMS_WEBHOOK_TIMEOUT = 5
CMS_WEBHOOK_LOG_DAYS = 30
CMS_WEBHOOK_ROTATION_GRACE = 24 * 60 * 60

# CDN purging (cms/delivery/cdn.py): Wagtail's frontend cache setting, one entry
# per CDN configured in the environment (the app itself is not installed: see
# cdn.py). CloudFront takes AWS's usual credentials (AWS_ACCESS_KEY_ID, ...).
WAGTAILFRONTENDCACHE = {}
if os.environ.get("CMS_CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "cms.delivery.cdn.CloudflareBackend",
        "ZONEID": os.environ["CMS_CLOUDFLARE_ZONE_ID"],
        "BEARER_TOKEN": os.environ.get("CMS_CLOUDFLARE_API_TOKEN", ""),
    }
if os.environ.get("CMS_CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "cms.delivery.cdn.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CMS_CLOUDFRONT_DISTRIBUTION_ID"],
    }
if os.environ.get("CMS_PURGE_LOCATION"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "cms.delivery.cdn.HTTPBackend",
        "LOCATION": os.environ["CMS_PURGE_LOCATION"],
        "KEYS_HEADER": os.environ.get("CMS_PURGE_KEYS_HEADER", "Surrogate-Key"),
        "TOKEN": os.environ.get("CMS_PURGE_TOKEN", ""),
    }

# Logs (cms/observability.py), on stderr: readable lines here, one JSON object a
# line in production; each with the request id. `cms.access` has a line per
# request; a request over CMS_SLOW_REQUEST_MS milliseconds, or an SQL statement
# over CMS_SLOW_QUERY_MS, is a warning (0: never).
CMS_SLOW_REQUEST_MS = int(os.environ.get("CMS_SLOW_REQUEST_MS", "1000"))
CMS_SLOW_QUERY_MS = int(os.environ.get("CMS_SLOW_QUERY_MS", "200"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.observability.RequestId"}},
    "formatters": {
        "readable": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {"()": "cms.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "readable",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "cms": {"level": "INFO"},
        # runserver's own line per request, in the same format.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
