"""`make run` end to end: a real server on a fresh SQLite database, reached over HTTP.

This is the README's first command as a new user runs it (the .venv that `make test`
installed is reused), on a free port and a database file of its own.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
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
        yield base, output
    finally:
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
    base, _output = server
    query = f'{{ page(urlPath: "/", locale: "{code}") {{ title locale url }} }}'
    assert post_graphql(base, query) == {
        "data": {"page": {"title": title, "locale": code, "url": f"/{code}/"}}
    }


def test_admin_login_works(server):
    base, _output = server
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
    base, output = server
    request = urllib.request.Request(  # noqa: S310
        f"{base}/graphql/", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert "graphiql" in response.read().decode().lower()
    assert "/admin/" in output and "/graphql/" in output and "locale" in output
