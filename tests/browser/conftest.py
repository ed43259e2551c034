"""Browser tests: Debian's Chromium, driven by Playwright's Python package, against
a real site as `make run` serves it (the development server and the task worker
beside it, the demo content loaded) on a database of its own: a SQLite file, or,
when the tests run on PostgreSQL, a PostgreSQL database made for the run and
dropped after it.

Nothing here downloads a browser: Playwright is pointed at /usr/bin/chromium, which
the project's setup installs (bin/system-packages). Each step a test takes can be
saved as a screenshot (`shot`) under build/screenshots/<database vendor>/, the
folder CI keeps.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import expect
from psycopg import sql

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "build" / "screenshots"
PASSWORD = "browser-test-password-2026"
WAIT = 30_000  # ms, for each browser step


def vendor():
    return (
        "postgresql"
        if "postgresql" in settings.DATABASES["default"]["ENGINE"]
        else "sqlite"
    )


@pytest.fixture(scope="session")
def site_database(tmp_path_factory):
    """The URL of an empty database for the browser site, and its removal."""
    if vendor() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'db.sqlite3'}"
        return
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{config['NAME']}_browser_{os.getpid()}"
    server = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        server.close()


class Site:
    """The site `make run` serves: migrated, the demo loaded, an admin whose
    password is PASSWORD, the development server and the worker running."""

    def __init__(self, database, folder):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(folder / "media"),
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        for command in (["migrate", "--noinput"], ["load_demo"], ["ensure_admin"]):
            self.manage(*command)
        self.logs = folder
        self.processes = [
            self.start("server", "runserver", "--noreload", f"127.0.0.1:{self.port}"),
            self.start("worker", "worker", "--no-reload"),
        ]
        self.wait_until_up()

    def manage(self, *args):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    def start(self, name, *args):
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=(self.logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self):
        deadline = time.monotonic() + 120
        while True:
            for process in self.processes:
                assert process.poll() is None, self.log()
            try:
                urllib.request.urlopen(f"{self.base}/admin/login/", timeout=5)  # noqa: S310
                return
            except OSError:
                assert time.monotonic() < deadline, self.log()
                time.sleep(0.5)

    def log(self):
        return "\n".join(path.read_text() for path in self.logs.glob("*.log"))

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


@pytest.fixture(scope="session")
def site(site_database, tmp_path_factory):
    started = Site(site_database, tmp_path_factory.mktemp("browser-site"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def chromium():
    """Chromium for one module's tests. Not for the session: Playwright's
    synchronous API keeps an asyncio loop running in the main thread while it
    is started, and Django refuses to open a database connection there (tests
    after the browser's would fail with SynchronousOnlyOperation)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, request):
    """A fresh browser profile whose language is Simplified Chinese (as the
    association's editors' browsers are), with `page.shot(name)` saving a
    screenshot of the step under build/screenshots/<vendor>/<test>/."""
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    folder = SCREENSHOTS / vendor() / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    steps = iter(range(1, 1000))

    def shot(name):
        path = folder / f"{next(steps):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    page.shot = shot
    yield page
    context.close()


def log_in(page, site, username="admin", password=PASSWORD):
    """Sign in through the admin's login form; the dashboard is then open."""
    page.goto(f"{site.base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.base}/admin/")


def more_actions(page, item):
    """Open the dropdown that holds `item` (a locator), if it is hidden."""
    if not item.is_visible():
        page.locator(".w-dropdown", has=item).locator(".w-dropdown__toggle").click()
    expect(item).to_be_visible(timeout=WAIT)


def graphql(site, query, **variables):
    """The data of `query`, sent to the site's /graphql/ as a frontend sends it:
    anonymous, over HTTP."""
    request = urllib.request.Request(  # noqa: S310 - the test's own local site
        f"{site.base}/graphql/",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]
