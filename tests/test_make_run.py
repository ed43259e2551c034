"""`make run` end to end: a real server on a fresh SQLite database, reached over HTTP,
and the task worker beside it.

This is the README's first command as a new user runs it (the .venv that `make test`
installed is reused), on a free port and a database file of its own.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "make-run-test-password-2026"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_in_a_terminal():
    """Ctrl-C's default action in `make run`, as a terminal starts it. The test
    process's own may be to ignore it (something earlier in a full run sets
    that), and children inherit an ignored signal: the server would not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # make run uses manage.py's default
    log = (tmp / "make-run.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        ["make", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=as_in_a_terminal,  # noqa: PLW1509
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{base}/admin/login/", timeout=5)  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        log.seek(0)
        output = log.read()
        assert process.poll() is None, f"make run stopped:\n{output}"
        yield base, output, tmp / "db.sqlite3", process, tmp / "make-run.log"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def post_graphql(base, query):
    request = urllib.request.Request(  # noqa: S310
        f"{base}/graphql/",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


@pytest.mark.parametrize(
    "code, title",
    [
        ("zh-hans", "浙江省中小企业协会"),
        ("zh-hant", "浙江省中小企業協會"),
        ("en", "Zhejiang Small and Medium Enterprises Association"),
    ],
)
def test_graphql_returns_the_demo_home_page_in_each_locale(server, code, title):
    base, *_ = server
    query = f'{{ page(urlPath: "/", locale: "{code}") {{ title locale url }} }}'
    assert post_graphql(base, query) == {
        "data": {"page": {"title": title, "locale": code, "url": f"/{code}/"}}
    }


def test_admin_login_works(server):
    base, *_ = server
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{base}/admin/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)[1]
    form = {"csrfmiddlewaretoken": token, "username": "admin", "password": PASSWORD}
    request = urllib.request.Request(  # noqa: S310
        f"{base}/admin/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{base}/admin/login/"},
    )
    with opener.open(request, timeout=30) as response:
        assert response.url == f"{base}/admin/"
        assert 'name="password"' not in response.read().decode()
    assert any(cookie.name == "sessionid" for cookie in jar)


def test_graphiql_and_the_banner(server):
    base, output, *_ = server
    request = urllib.request.Request(  # noqa: S310
        f"{base}/graphql/", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert "graphiql" in response.read().decode().lower()
    assert "/admin/" in output and "/graphql/" in output and "locale" in output


TASKS = "SELECT task_path, status, run_after FROM django_tasks_database_dbtaskresult"


def test_the_worker_runs_beside_the_server(server):
    """What loading the demo queued gets done, and the every-minute run of
    scheduled publishing is waiting: a worker is running."""
    _base, _output, database, _process, _log = server
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=10) as db:
            rows = db.execute(TASKS).fetchall()
        statuses = {status for _path, status, _after in rows}
        if statuses == {"SUCCESSFUL", "READY"} and len(ready(rows)) == 1:
            break
        time.sleep(1)
    assert statuses == {"SUCCESSFUL", "READY"}, rows
    assert ready(rows) == ["cms.worker.schedule.publish_scheduled"]
    done = {path for path, status, _after in rows if status == "SUCCESSFUL"}
    assert "cms.search.tasks.update_entries" in done


def ready(rows):
    return [path for path, status, _after in rows if status == "READY"]


def test_ctrl_c_stops_the_server_and_the_worker(server):
    """Last: Ctrl-C reaches every process of the terminal's foreground group."""
    _base, _output, _database, process, log = server
    os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        process.poll()  # reaps `make` once it exits
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    running = subprocess.run(  # noqa: S603
        ["ps", "-o", "pid,stat,etime,args", "-g", str(process.pid)],  # noqa: S607
        capture_output=True,
        text=True,
    ).stdout
    tail = log.read_text()[-3000:]
    raise AssertionError(f"still running:\n{running}\nlog:\n{tail}")
