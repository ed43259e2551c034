"""Logs, request ids, slow requests and queries, Sentry (issue 15, item 6).

The formats are checked on a real production process's stderr (`manage.py shell`
sending requests through the whole middleware stack with Django's Client); the
thresholds and fields with caplog; Sentry with its events sent over HTTP to a
server of the test's own.
"""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_production_settings import manage

pytestmark = pytest.mark.django_db

LISTING = '{ newsArticles(locale: "zh-hans") { items { id } } }'
GIVEN_ID = "frontend-7f3a9c2e-0001"

REQUESTS = f"""
import json, logging
from django.test import Client
logging.getLogger("cms").warning("outside any request")
client = Client()
answers = [
    client.get("/healthz", HTTP_X_REQUEST_ID="{GIVEN_ID}"),
    client.post("/graphql/", "not json", content_type="application/json"),
    client.get("/healthz", HTTP_X_REQUEST_ID="bad id\\n{{\\"level\\": \\"forged\\"}}"),
]
print(json.dumps([answer["X-Request-ID"] for answer in answers]))
"""
PRODUCTION = {"ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "false"}


def graphql(client, query, **headers):
    return client.post(
        "/graphql/",
        json.dumps({"query": query}),
        content_type="application/json",
        **headers,
    )


def test_production_logs_json_lines_with_the_request_id():
    result = manage("shell", "--no-imports", "-c", REQUESTS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    given, generated, replaced = json.loads(result.stdout.splitlines()[-1])
    assert given == GIVEN_ID
    assert len(generated) == 32 and len(replaced) == 32 and generated != replaced
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # all JSON

    [outside] = [line for line in lines if line["message"] == "outside any request"]
    assert outside["request_id"] == "-" and outside["level"] == "WARNING"
    access = [line for line in lines if line["logger"] == "cms.access"]
    assert [(a["request_id"], a["path"], a["status"]) for a in access] == [
        (given, "/healthz", 200),
        (generated, "/graphql/", 400),
        (replaced, "/healthz", 200),
    ]
    assert all(a["method"] in ("GET", "POST") for a in access)
    assert all(isinstance(a["duration_ms"], float) for a in access)
    # A line written inside a request (Django's) carries that request's id.
    [bad] = [line for line in lines if line["logger"] == "django.request"]
    assert bad["message"] == "Bad Request: /graphql/"
    assert bad["request_id"] == generated
    assert not any(line.get("level") == "forged" for line in lines)


def test_development_logs_readable_lines():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        REQUESTS,
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
    )
    assert result.returncode == 0, result.stderr
    given_line = next(line for line in result.stderr.splitlines() if GIVEN_ID in line)
    assert f"INFO cms.access [{GIVEN_ID}] GET /healthz 200 " in given_line


def test_the_access_line_names_method_path_status_duration_and_client(
    client, caplog, settings
):
    # Not slow however loaded the machine is (a request took a second on CI).
    settings.CMS_SLOW_REQUEST_MS = 60_000
    with caplog.at_level(logging.INFO, logger="cms.access"):
        response = graphql(client, LISTING, REMOTE_ADDR="198.51.100.4")
    [line] = [r for r in caplog.records if r.name == "cms.access"]
    assert line.levelno == logging.INFO and not line.slow
    assert (line.method, line.path, line.status) == ("POST", "/graphql/", 200)
    assert line.client == "198.51.100.4" and line.frontend is None
    assert 0 < line.duration_ms < 60_000
    assert response["X-Request-ID"]


def test_a_slow_request_is_a_warning(client, caplog, settings):
    settings.CMS_SLOW_REQUEST_MS = 0.001
    with caplog.at_level(logging.INFO, logger="cms.access"):
        graphql(client, LISTING)
    [line] = [r for r in caplog.records if r.name == "cms.access"]
    assert line.levelno == logging.WARNING and line.slow
    assert line.getMessage().startswith("Slow request: POST /graphql/ 200 ")


def test_each_query_over_the_threshold_is_a_warning_without_its_parameters(
    client, caplog, settings
):
    settings.CMS_SLOW_QUERY_MS = 0.001  # every query
    with (
        caplog.at_level(logging.WARNING, logger="cms.queries"),
        CaptureQueriesContext(connection) as queries,
    ):
        graphql(client, '{ page(urlPath: "/", locale: "zh-hans") { title } }')
    slow = [r for r in caplog.records if r.name == "cms.queries"]
    assert len(slow) == len(queries) > 0
    assert all(r.getMessage().startswith("Slow query (") for r in slow)
    assert "zh-hans" not in " ".join(r.getMessage() for r in slow)  # a parameter

    caplog.clear()
    settings.CMS_SLOW_QUERY_MS = 0  # off
    graphql(client, '{ page(urlPath: "/", locale: "zh-hans") { title } }')
    assert not [r for r in caplog.records if r.name == "cms.queries"]


class Collector(BaseHTTPRequestHandler):
    """Keeps the body of every request (Sentry's envelopes), gzip undone."""

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.bodies.append((self.path, body.decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    server.bodies = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


REPORT = """
import logging, sentry_sdk
logging.getLogger("cms.report").error("Sentry test: the printer is on fire")
print(sentry_sdk.get_client().is_active())
sentry_sdk.flush(5)
"""


def test_errors_reach_sentry_only_with_a_dsn(sentry_server):
    result = manage("shell", "--no-imports", "-c", REPORT, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"
    assert sentry_server.bodies == []

    port = sentry_server.server_address[1]
    dsn = f"http://public-key@127.0.0.1:{port}/1"
    result = manage("shell", "--no-imports", "-c", REPORT, SENTRY_DSN=dsn, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"
    [(path, envelope)] = sentry_server.bodies
    assert path == "/api/1/envelope/"
    assert "Sentry test: the printer is on fire" in envelope
    assert '"environment":"production"' in envelope
