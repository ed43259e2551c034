"""Shared fixtures: a skeleton site in the test database, and one GraphQL helper.

The skeleton (`tests.factories.skeleton`: locales, the default Site, a home page
with a news and an organisation section per locale) is built once per session,
right after the test database is created; each test then runs in a transaction
that is rolled back, so tests may change it freely. Everything a test asserts on
it builds itself (tests/factories.py); only tests/home/test_demo.py and
tests/test_make_run.py load the demo site.
"""

import json
import logging
import shutil
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import boto3
import dj_database_url
import psycopg
import pytest
import redis
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # One transaction: the automatic zh-hant sync runs at its commit, finds the
    # zh-hant editions made by hand and leaves them alone.
    with django_db_blocker.unblock(), transaction.atomic():
        factories.skeleton()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths; a rolled-back test must not leave them."""
    cache.clear()
    yield
    cache.clear()


class TaskQueue:
    """The database queue of production, inside the test's transaction: tasks
    wait in it until `run()` runs each ready one through django-tasks-db's own
    worker code (its `run_task`: the same signals, so the same retries)."""

    def __init__(self):
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )

    @staticmethod
    def waiting():
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready()

    def run(self):
        """Run every task that is ready, those the tasks queue included (not
        Worker.run, which closes the test's connection between tasks). What a
        task leaves for its commit (wagtail-localize publishes an edition then)
        runs after it, as it would on the worker."""
        from django.test import TestCase

        while (row := self.waiting().first()) is not None:
            row.claim(self.worker.worker_id)
            with TestCase.captureOnCommitCallbacks(execute=True):
                self.worker.run_task(row)


@pytest.fixture
def task_queue(settings, db):
    """Tasks queued as in production, run when the test says (the test settings
    run them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return TaskQueue()


@pytest.fixture
def english():
    """English messages, for tests that check their wording (the default language
    is zh-hans, whose catalog translates them)."""
    with translation.override("en"):
        yield


class GraphQLClient:
    """Sends real GraphQL over the real endpoint, /graphql/."""

    def __init__(self, client):
        self.client = client

    def post(self, query, variables=None):
        response = self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        assert response["Content-Type"].startswith("application/json")
        return response.status_code, response.json()

    def __call__(self, query, **variables):
        """The `data` of a query that must succeed."""
        status, body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        assert status == 200
        return body["data"]

    def errors(self, query, **variables):
        """The error messages of a query that must fail, without a server error."""
        status, body = self.post(query, variables)
        assert status in (200, 400), status
        assert body.get("errors"), body
        return [error["message"] for error in body["errors"]]


@pytest.fixture
def gql(client, db):
    return GraphQLClient(client)


def free_port():
    """A local TCP port nothing listens on (as the system hands it out)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


S3_CREDENTIALS = {"access_key": "mk-access", "secret_key": "mk-secret-key"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API over HTTP on a free local port (moto's server mode), which the
    application reaches as it would a bucket elsewhere: nothing of boto is mocked."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_options(endpoint, bucket):
    """The media storage's OPTIONS, as production.py builds them."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        **S3_CREDENTIALS,
    }


@pytest.fixture
def media_bucket(s3_endpoint, settings):
    """A new private bucket on that API, made the default storage (media)."""
    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "cms.content.storage.PrivateS3Storage",
            "OPTIONS": s3_options(s3_endpoint, bucket.name),
        },
    }
    return bucket


def new_bucket(endpoint):
    """A new private bucket on the S3 API at `endpoint`, with a client to look in."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    return SimpleNamespace(client=client, name=name, endpoint=endpoint)


def s3_environment(bucket):
    """The variables that put a production process's media in `bucket`."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket.name,
        "AWS_S3_ENDPOINT_URL": bucket.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ACCESS_KEY_ID": S3_CREDENTIALS["access_key"],
        "AWS_S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_key"],
    }


class PrivateRedis:
    """A `redis-server` of the test's own on a free port, which the test stops and
    starts again (on the same port) to make an outage; never the machine's."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server"]
            + ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def keys(self):
        return redis.Redis(port=self.port).keys()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


class TcpProxy:
    """Forwards a free local port to `target`; `stop()` refuses new connections
    and cuts the open ones, as a database going away does."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.open = set()
        self.running = False

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join()
        self.listener.close()
        for sock in list(self.open):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.open.clear()

    def _accept(self):
        while self.running:
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(self.target)
            self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass


@contextmanager
def postgres_database(prefix):
    """(host, port, name, credentials) of a new PostgreSQL database named `prefix`
    and a random tail, dropped afterwards: on DATABASE_URL's server when the suite
    runs on PostgreSQL, else on 127.0.0.1:5432 (the tests that need PostgreSQL
    itself, to make it unreachable, run on the SQLite pass too)."""
    server = dj_database_url.config(default="postgres://postgres@127.0.0.1:5432/x")
    if server["ENGINE"] != "django.db.backends.postgresql":
        server = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/x")
    params = {
        "host": server["HOST"] or "127.0.0.1",
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        **({"password": server["PASSWORD"]} if server["PASSWORD"] else {}),
    }
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if "password" in params else ""
    credentials = f"{params['user']}{password}@"
    try:
        yield params["host"], int(params["port"]), name, credentials
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
