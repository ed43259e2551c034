"""Two application processes share one database and one media bucket (issue 15,
item 3): an image uploaded through one process's admin has its rendition made by
the other, and each serves the files the other wrote. Nothing lands on either
process's disk.

The processes are real servers (`manage.py runserver`) under the production
settings, configured from the environment only, as an operator would; the bucket
is moto's S3 server over HTTP (`media_bucket`); the database a new one, on
PostgreSQL when the suite runs there, else a SQLite file both open.
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.crypto import get_random_string

from tests.api.test_object_storage import CDN, keys, png, stored
from tests.conftest import free_port, postgres_database, s3_environment
from tests.test_production_settings import ROOT, manage, production_env

PASSWORD = "mk-Editor-pass-2718"
IMAGES = "{ images { id title } }"
RENDITION = "query ($id: ID) { image(id: $id) { url rendition(width: 320) { url } } }"


@pytest.fixture
def shared_database(tmp_path):
    """A URL of a new, empty database, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    with postgres_database("cms_two_processes_") as (host, port, name, credentials):
        yield f"postgres://{credentials}{host}:{port}/{name}"


def runserver(port):
    return ["manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]


class Server:
    """One server process under the production settings: `command(port)` (the
    Python arguments), `runserver` unless told."""

    def __init__(self, env, log, command=runserver):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, *command(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.cookies = {}

    def wait(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"no answer from {self.base}: {self.log.read_text()}")

    def request(self, method, path, data=None, content_type=None):
        """(status, headers, body) of a request as a browser behind the TLS
        proxy would send it, with this server's cookies."""
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            response = urllib.request.build_opener(NoRedirects).open(
                request, timeout=30
            )
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, response.read()

    def form(self, path, fields):
        body = urlencode({"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields})
        return self.request(
            "POST", path, body.encode(), "application/x-www-form-urlencoded"
        )

    def graphql(self, query, **variables):
        body = json.dumps({"query": query, "variables": variables}).encode()
        status, _headers, answer = self.request(
            "POST", "/graphql/", body, "application/json"
        )
        answer = json.loads(answer)
        assert status == 200 and "errors" not in answer, answer
        return answer["data"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def two_servers(tmp_path, shared_database, media_bucket):
    env = {
        "DATABASE_URL": shared_database,
        "ALLOWED_HOSTS": "127.0.0.1",
        # A Redis that is away: each process serves from its own memory
        # (cms.cache), so nothing is shared there.
        "CACHE_URL": f"redis://127.0.0.1:{free_port()}/0",
        "CMS_NUM_PROXIES": "0",
        "SECURE_SSL_REDIRECT": "false",
        "CMS_MEDIA_BASE_URL": CDN,
        **s3_environment(media_bucket),
    }
    for command in (
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", "--username", "mk-editor", "--email", ""],
    ):
        result = manage(*command, DJANGO_SUPERUSER_PASSWORD=PASSWORD, **env)
        assert result.returncode == 0, result.stderr
    servers = [
        Server(
            production_env(**env, MEDIA_ROOT=str(tmp_path / f"{name}-media")),
            tmp_path / f"{name}.log",
        )
        for name in ("first", "second")
    ]
    try:
        for server in servers:
            server.wait()
        yield servers
    finally:
        for server in servers:
            server.stop()
    for name in ("first", "second"):
        assert not (tmp_path / f"{name}-media").exists(), "a file went to a disk"


def log_in(server):
    """Logs the editor in to `server`'s admin. Production pages need
    collectstatic's manifest; the answers used here (a login's, an upload's or a
    publication's redirect) render none, so a CSRF token of our own stands in for
    the login page's."""
    server.cookies["csrftoken"] = get_random_string(32)
    status, _headers, _body = server.form(
        "/admin/login/", {"username": "mk-editor", "password": PASSWORD}
    )
    assert status == 302


def upload_image(server, title):
    """Uploads a PNG named `title` through `server`'s admin (logged in)."""
    upload = encode_multipart(
        BOUNDARY,
        {
            "csrfmiddlewaretoken": server.cookies["csrftoken"],
            "title": title,
            "file": SimpleUploadedFile("harbour.png", png(), "image/png"),
            "collection": "1",
        },
    )
    status, _headers, body = server.request(
        "POST", "/admin/images/add/", upload, MULTIPART_CONTENT
    )
    assert status == 302, body[:2000]


def rendition_through(first, second, bucket):
    """An image uploaded through `first`'s admin: its rendition made by `second`,
    found by `first`, and each file served by the process that did not write it,
    from the bucket."""
    log_in(first)
    upload_image(first, "mk-harbour")
    first.cookies.clear()  # from here on, an anonymous reader

    (image,) = [
        i for i in second.graphql(IMAGES)["images"] if i["title"] == "mk-harbour"
    ]
    made = second.graphql(RENDITION, id=image["id"])["image"]
    assert made["rendition"]["url"].startswith(f"{CDN}/media/images/harbour")
    # The first process finds the rendition the second made.
    assert first.graphql(RENDITION, id=image["id"])["image"] == made

    original = made["url"].removeprefix(f"{CDN}/media/")
    rendition = made["rendition"]["url"].removeprefix(f"{CDN}/media/")
    assert {original, rendition} <= keys(bucket)
    # Each process serves the file the other wrote, from the bucket.
    for server, name in ((second, original), (first, rendition)):
        status, headers, content = server.request("GET", f"/media/{name}")
        assert status == 200
        assert headers["Content-Type"] == "image/png"
        assert content == stored(bucket, name)


def test_image_uploaded_through_one_process_rendered_through_the_other(
    two_servers, media_bucket
):
    rendition_through(*two_servers, media_bucket)
