"""SQLite as `make run` uses it: the development server and the task worker write
to one database file. A request's transaction that reads before it writes (the
member import's confirmation) must wait for the worker's transaction, not fail
with "database is locked" (an editor saw a 500)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The worker's part: a write transaction held until the request's has begun.
HOLDER = """
import pathlib, time
from django.db import connection, transaction
ready = pathlib.Path(%r)
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("INSERT INTO item VALUES ('worker')")
    print("holding", flush=True)
    while not ready.exists():
        time.sleep(0.05)
    time.sleep(1)
"""
# The request's part: it reads, then writes.
REQUEST = """
import pathlib
from django.db import connection, transaction
pathlib.Path(%r).touch()
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM item")
    cursor.execute("INSERT INTO item VALUES ('request')")
"""


def shell(code, database):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], {
        "cwd": ROOT,
        "env": {**env, "DATABASE_URL": f"sqlite:///{database}"},
        "text": True,
    }


def test_a_request_waits_for_the_workers_write_on_sqlite(tmp_path):
    database, ready = tmp_path / "db.sqlite3", tmp_path / "ready"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE item (who TEXT)")
    command, options = shell(HOLDER % str(ready), database)
    holder = subprocess.Popen(command, stdout=subprocess.PIPE, **options)  # noqa: S603
    try:
        assert holder.stdout.readline() == "holding\n"
        command, options = shell(REQUEST % str(ready), database)
        request = subprocess.run(command, capture_output=True, timeout=60, **options)  # noqa: S603
        assert request.returncode == 0, request.stderr
    finally:
        ready.touch()  # the holder's end, whatever happened
        assert holder.wait(timeout=60) == 0
    with sqlite3.connect(database) as check:
        rows = check.execute("SELECT who FROM item ORDER BY rowid").fetchall()
    assert rows == [("worker",), ("request",)]
