"""SQLite under two processes (`make run`'s server and worker): transactions
that read and then write, at the same time, both succeed with the project's
options (cms.settings.base SQLITE_OPTIONS); with SQLite's defaults one fails
with "database is locked". Whatever database the suite runs on, this is about
SQLite files, so it makes its own."""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from cms.settings.base import SQLITE_OPTIONS


def read_then_write_at_once(path, options):
    """Two connections, each in a transaction: count the rows, wait until the
    other has counted too, insert one. Returns the rows and the errors."""
    databases = {
        name: {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": options,
        }
        for name in ("first", "second")
    }
    # Two more aliases of the project's connections, for the threads.
    filled = connections.configure_settings(
        {"default": connections.settings["default"], **databases}
    )
    connections.settings.update({alias: filled[alias] for alias in databases})
    with connections["first"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS visit (n INTEGER)")
    both_read = threading.Barrier(2, timeout=2)
    errors = []

    def visit(alias):
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM visit")
                (count,) = cursor.fetchone()
                try:
                    both_read.wait()
                except threading.BrokenBarrierError:
                    pass  # the other waits for the write lock: it will read after
                cursor.execute("INSERT INTO visit VALUES (%s)", [count])
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections[alias].close()
            del connections[alias]

    threads = [threading.Thread(target=visit, args=(a,)) for a in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connections["first"].cursor() as cursor:
        cursor.execute("SELECT n FROM visit ORDER BY n")
        rows = [n for (n,) in cursor.fetchall()]
    connections["first"].close()
    del connections["first"]
    for alias in databases:
        del connections.settings[alias]
    return rows, errors


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # The second waits for the first's write lock, then reads its row.
        (SQLITE_OPTIONS, ([0, 1], [])),
        # SQLite's defaults: each waits for the other's lock; one gives up.
        ({"timeout": 1}, ([0], ["database is locked"])),
    ],
)
def test_two_writers_wait_for_each_other(
    tmp_path, django_db_blocker, options, expected
):
    with django_db_blocker.unblock():
        found = read_then_write_at_once(tmp_path / "db.sqlite3", options)
    assert found == expected
