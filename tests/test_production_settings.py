"""Production settings: everything from the environment, nothing insecure by default.

Each case starts a fresh Python process, since settings are read once at start-up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k3y-" + "x9Qz7!pLm2#Rv8$Tn4&Wc6" * 3,
    "DATABASE_URL": "sqlite:////tmp/cms-production-check.sqlite3",
    "ALLOWED_HOSTS": "www.example.org,api.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "WAGTAILADMIN_BASE_URL": "https://www.example.org",
}


SHOW_SILENCED = (
    "from django.conf import settings; print(*settings.SILENCED_SYSTEM_CHECKS)"
)


def production_env(**changes):
    """The environment of a production process: GOOD_ENV with `changes` (None
    removes a variable), nothing of the shell's own media bucket."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD_ENV and not k.startswith("AWS_")
    }
    env.update(GOOD_ENV)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args, **env_changes):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**env_changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = manage("check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (2 silenced)." in output, output


def test_the_silenced_checks_are_only_the_two_deliberate_choices():
    result = manage("shell", "--no-imports", "-c", SHOW_SILENCED)
    assert result.stdout.split() == ["security.W019", "security.W021"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"SECRET_KEY": None}, "need the SECRET_KEY variable"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SECRET_KEY": "ab" * 40}, "5 or more different ones"),
        ({"SECRET_KEY": "django-insecure-" + "a" * 50}, "not a development key"),
        ({"ALLOWED_HOSTS": None}, "need the ALLOWED_HOSTS variable"),
        ({"ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"ALLOWED_HOSTS": " , "}, "must list host names"),
        ({"DATABASE_URL": None}, "need the DATABASE_URL variable"),
        ({"CACHE_URL": None}, "need the CACHE_URL variable"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL must be a redis://"),
        ({"SECURE_SSL_REDIRECT": "flase"}, "SECURE_SSL_REDIRECT must be true or"),
        ({"SECURE_HSTS_SECONDS": "abc"}, "SECURE_HSTS_SECONDS must be a whole number"),
    ],
)
def test_refuses_to_start_on_a_missing_or_insecure_value(changes, message):
    result = manage("check", **changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_serves_no_debug_pages_and_no_graphiql():
    code = (
        "from django.conf import settings;"
        "print(settings.DEBUG, settings.CMS_GRAPHIQL, settings.SESSION_COOKIE_SECURE,"
        " settings.CACHES['default']['BACKEND'])"
    )
    result = manage("shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "False",
        "True",
        "cms.cache.FailSafeRedisCache",
    ]


SHOW_API_SETTINGS = (
    "from django.conf import settings;"
    "print(settings.CMS_GRAPHQL_INTROSPECTION, *settings.CORS_ALLOWED_ORIGINS)"
)


def test_introspection_and_cors_origins_come_from_the_environment():
    result = manage("shell", "--no-imports", "-c", SHOW_API_SETTINGS)
    assert result.stdout.split() == ["False"], result.stderr
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_API_SETTINGS,
        CMS_GRAPHQL_INTROSPECTION="true",
        CORS_ALLOWED_ORIGINS="https://www.example.org, https://m.example.org",
    )
    assert result.stdout.split() == [
        "True",
        "https://www.example.org",
        "https://m.example.org",
    ], result.stderr


def test_development_serves_graphiql():
    code = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/graphql/', HTTP_ACCEPT='text/html');"
        "print(r.status_code, b'graphiql' in r.content.lower())"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="cms.settings.dev"
    )
    assert result.stdout.split() == ["200", "True"], result.stderr


# Another process holds SQLite's write lock for a second while this one, in a
# transaction, reads and then writes.
CONCURRENT_WRITE = """
import sqlite3, threading
from django.db import connection, transaction
other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None,
                        check_same_thread=False)
other.execute("CREATE TABLE t (x)")
other.execute("BEGIN")
other.execute("INSERT INTO t VALUES (1)")
threading.Timer(1, other.execute, ["COMMIT"]).start()
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM t")
    cursor.execute("INSERT INTO t VALUES (2)")
print("written")
"""


def test_development_sqlite_waits_for_the_other_writer(tmp_path):
    """`make run`'s server and worker write one SQLite file: a transaction of one
    waits while the other writes, instead of failing with "database is locked"
    (an admin autosave's 500 while the worker ran tasks)."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        CONCURRENT_WRITE,
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.stdout.split() == ["written"], result.stderr


def test_development_keeps_no_graphql_answers():
    """`make run`'s server and worker each keep the cache in their own memory:
    an answer the server kept would outlive what the worker changes (the zh-hant
    edition it makes; tests/browser/test_article_journey.py), so none is kept."""
    code = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').post('/graphql/',"
        " {'query': '{ __typename }'}, content_type='application/json');"
        "print(r.status_code, r.headers['Cache-Control'])"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="cms.settings.dev"
    )
    assert result.stdout.split() == ["200", "no-cache"], result.stderr


SHOW_MEDIA_STORAGE = (
    "from django.conf import settings; s = settings.STORAGES['default'];"
    "print(s['BACKEND'], *sorted(s.get('OPTIONS', {}).items()), sep='\\n')"
)


def test_media_are_on_local_disk_unless_a_bucket_is_named():
    result = manage("shell", "--no-imports", "-c", SHOW_MEDIA_STORAGE)
    assert result.stdout.split() == ["django.core.files.storage.FileSystemStorage"]
    bucket = {
        "AWS_STORAGE_BUCKET_NAME": "zjsme-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
        "AWS_S3_REGION_NAME": "cn-east-1",
        "AWS_S3_ACCESS_KEY_ID": "mk-id",
        "AWS_S3_SECRET_ACCESS_KEY": "mk-key",
    }
    result = manage("shell", "--no-imports", "-c", SHOW_MEDIA_STORAGE, **bucket)
    assert result.stdout.splitlines() == [
        "cms.content.storage.PrivateS3Storage",
        "('access_key', 'mk-id')",
        "('bucket_name', 'zjsme-media')",
        "('endpoint_url', 'https://s3.example.net')",
        "('region_name', 'cn-east-1')",
        "('secret_key', 'mk-key')",
    ], result.stderr
    # Credentials left out: boto3's own chain (instance role, AWS_ACCESS_KEY_ID).
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_MEDIA_STORAGE,
        AWS_STORAGE_BUCKET_NAME="zjsme-media",
    )
    assert result.stdout.splitlines() == [
        "cms.content.storage.PrivateS3Storage",
        "('bucket_name', 'zjsme-media')",
    ], result.stderr


def test_a_bucket_is_not_served_from_another_host():
    result = manage(
        "check",
        AWS_STORAGE_BUCKET_NAME="zjsme-media",
        MEDIA_URL="https://zjsme-media.s3.example.net/",
    )
    assert result.returncode != 0
    assert "MEDIA_URL must be a path on this site" in result.stderr


def test_collectstatic_makes_the_production_static_files(tmp_path, settings):
    """The production storage (cms/static_storage.py) collects every file,
    vendored assets that name missing source maps included, and leaves those
    byte for byte (GraphiQL loads them with integrity hashes)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "cms.static_storage.StaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("graphiql/graphiql.min.css", "graphiql/graphiql.min.js"):
        vendored = ROOT / "cms" / "api" / "static" / name
        assert (tmp_path / paths[name]).read_bytes() == vendored.read_bytes()
