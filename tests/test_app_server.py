"""The production application server as an operator starts it (issue 15, item 1):
gunicorn with deploy/gunicorn.conf.py, a real process on a real port.

- Slow clients (sending their headers or body a byte at a time) outnumbering the
  workers do not keep other readers waiting.
- TERM (stop) and HUP (reload) let a request in flight finish with its answer.

The server runs tests/slow_settings.py: the production settings, configured from
the environment only, plus a /slow/ route that stays in flight on demand; its
database is a SQLite file migrated once for the module.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from tests.conftest import free_port
from tests.test_production_settings import ROOT, manage, production_env

LISTING = '{ newsArticles(locale: "zh-hans") { totalCount } }'


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'db.sqlite3'}"
    result = manage("migrate", "--noinput", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    return url


class AppServer:
    """gunicorn started with the production start command (README)."""

    def __init__(self, database, log, **env):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=production_env(
                DJANGO_SETTINGS_MODULE="tests.slow_settings",
                DATABASE_URL=database,
                ALLOWED_HOSTS="127.0.0.1",
                SECURE_SSL_REDIRECT="false",
                **env,
            ),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while True:
            assert self.process.poll() is None, log.read_text()
            try:
                self.get("/healthz")
                return
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

    def get(self, path, timeout=30):
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())

    def graphql(self, query, timeout):
        request = urllib.request.Request(  # noqa: S310
            f"http://127.0.0.1:{self.port}/graphql/",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


@pytest.fixture
def server(database, tmp_path):
    started = AppServer(database, tmp_path / "gunicorn.log", WEB_CONCURRENCY="2")
    yield started
    started.stop()


def test_refused_settings_stop_the_start_with_their_message(database, tmp_path):
    """The system checks run before gunicorn serves, as before `runserver`."""
    (tmp_path / "refused_settings.py").write_text(
        "from tests.slow_settings import *  # noqa: F403\nCMS_SEARCH_CANDIDATES = 0\n"
    )
    port = free_port()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=production_env(
            DJANGO_SETTINGS_MODULE="refused_settings",
            PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
            DATABASE_URL=database,
            ALLOWED_HOSTS="127.0.0.1",
        ),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 1
    assert "cms_search.E001" in result.stderr
    assert "CMS_SEARCH_CANDIDATES must be a whole number of at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def trickle(port, headers_first):
    """A client that has connected and sends its request a byte at a time: its
    headers (`headers_first`) or, with the headers sent, its body."""
    body = json.dumps({"query": LISTING}).encode()
    head = (
        "POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    client = socket.create_connection(("127.0.0.1", port))
    if not headers_first:
        client.sendall(head)
    return client, iter(head + body if headers_first else body)


def test_every_line_the_server_logs_is_json(server):
    """gunicorn's own lines as well as the application's (README, "Logs")."""
    status, _answer = server.graphql(LISTING, timeout=10)
    assert status == 200
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "cms.access"} <= loggers
    assert any(r["message"].startswith("Starting gunicorn") for r in records)


@contextmanager
def slow_clients(ports, each=6):
    """`each` clients per port sending a request a byte every 0.25 s (half of
    them their headers first, half with only the body left), connected and
    trickling while the block runs; the block must leave them still waiting."""
    slow = [
        trickle(port, headers_first=n % 2 == 0) for port in ports for n in range(each)
    ]
    stop = threading.Event()

    def keep_trickling():
        while not stop.is_set():
            for client, remaining in slow:
                byte = next(remaining, None)
                if byte is not None:
                    client.send(bytes([byte]))
            time.sleep(0.25)

    sender = threading.Thread(target=keep_trickling)
    sender.start()
    try:
        time.sleep(1)  # every slow client is connected and sending
        yield
        # The slow clients are still connected and waiting, not cut off.
        assert all(next(remaining, None) is not None for _, remaining in slow)
    finally:
        stop.set()
        sender.join()
        for client, _ in slow:
            client.close()


def test_slow_clients_outnumbering_the_workers_do_not_hold_up_others(server):
    with slow_clients([server.port]):
        for _ in range(5):
            started = time.monotonic()
            status, answer = server.graphql(LISTING, timeout=10)
            assert status == 200
            assert answer == {"data": {"newsArticles": {"totalCount": 0}}}
            assert time.monotonic() - started < 2


def in_flight(server, seconds):
    """A /slow/ request started in another thread, once the server has it."""
    pool = ThreadPoolExecutor(max_workers=1)
    answer = pool.submit(server.get, f"/slow/?seconds={seconds}")
    time.sleep(1)
    pool.shutdown(wait=False)
    assert not answer.done()
    return answer


def test_stop_lets_the_request_in_flight_finish(server):
    answer = in_flight(server, 3)
    started = time.monotonic()
    server.signal(signal.SIGTERM)
    status, body = answer.result(timeout=30)
    assert status == 200 and body["pid"] > 0
    assert server.process.wait(timeout=30) == 0
    assert time.monotonic() - started >= 1.5  # it waited for the request


def test_reload_lets_the_request_in_flight_finish_and_replaces_the_workers(server):
    answer = in_flight(server, 3)
    server.signal(signal.SIGHUP)
    status, body = answer.result(timeout=30)
    assert status == 200
    old_worker = body["pid"]
    assert old_worker != server.process.pid
    # The old worker is gone; a new one answers.
    deadline = time.monotonic() + 30
    while _alive(old_worker):
        assert time.monotonic() < deadline, "the old worker did not exit"
        time.sleep(0.2)
    status, body = server.get("/slow/?seconds=0")
    assert status == 200 and body["pid"] not in {old_worker, server.process.pid}
    assert server.process.poll() is None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_new_workers_answer_their_first_request_promptly(server):
    """Workers fork from a master that has loaded and warmed the app
    (preload_app, when_ready), so neither the first reader of a new server nor
    the first of a worker started by a reload (or by max_requests) waits for
    Django to start: seconds in a cold worker."""
    started = time.monotonic()
    status, answer = server.graphql(LISTING, timeout=30)
    assert status == 200 and "errors" not in answer
    assert time.monotonic() - started < 2
    server.signal(signal.SIGHUP)
    time.sleep(0.5)  # the old workers have stopped accepting
    started = time.monotonic()
    status, answer = server.graphql(LISTING, timeout=30)
    assert status == 200 and "errors" not in answer
    assert time.monotonic() - started < 2
