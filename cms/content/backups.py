"""Backups of the database and the media, and their restore (`manage.py backup`,
`manage.py restore`).

A backup is one folder, named for the time it was made (UTC):

    cms-backup-20261130T085300Z/
        manifest.json     what it holds: code version and commit, applied
                          migrations, rows per model, media files and bytes
        database.dump     PostgreSQL's custom format (pg_dump), or
        database.sqlite3  a copy made with SQLite's online backup API
        media/            every file of the media storage: originals,
                          renditions, documents

The media are read and written through Django's storage API, so a backup is the
same whether they are on local disk or in the S3 bucket, and a restore can move
them from one to the other. The database is copied first, as one consistent
snapshot while the site runs, then the media: a file uploaded meanwhile is one
no row names, never a row without its file. The folder is written under a
hidden name and renamed when complete: a folder by that name is a whole backup.

A restore checks all it can before it changes anything (the manifest, the media
against it, the dump readable from end to end, no migration this code does not
know, the target empty unless forced), then replaces the database in one
transaction (forced, on PostgreSQL, its public schema is dropped and made again
first, so no table of the old site is left behind), so a dump that fails
half-way leaves the target as it was. The search index is in the database and
comes back with it; restore rebuilds it all the same, because the code restoring
may cut text into terms differently from the code that made the backup (an
upgrade between), and a rebuild is one transaction that readers do not notice.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import tomllib
from contextlib import closing
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from wagtail.models import Site

MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PG_CLIENT = (
    "install the PostgreSQL client tools (Debian: postgresql-client) of the "
    "server's major version or newer"
)


def backup(directory):
    """Writes a backup folder into `directory` and returns its path."""
    vendor = _vendor()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = "cms-backup-" + timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final, partial = directory / name, directory / f".{name}.partial"
    if final.exists():
        raise CommandError(f"{final} exists already: try again in a second.")
    shutil.rmtree(partial, ignore_errors=True)
    # Its owner's alone: a backup holds password and token hashes and restricted
    # documents, whatever the umask of whoever runs it.
    partial.mkdir(mode=0o700)
    partial.chmod(0o700)
    try:
        dump = partial / DUMPS[vendor]
        if vendor == "postgresql":
            _pg("pg_dump", "--format=custom", "--file", str(dump))
        else:
            connection.ensure_connection()
            with closing(sqlite3.connect(dump)) as copy:
                connection.connection.backup(copy)
        files, size = _copy_media_out(partial / MEDIA)
        manifest = {
            "format": 1,
            "created": timezone.now().isoformat(),
            "version": _version(),
            "commit": _commit(),
            "database": {"vendor": vendor, "file": dump.name},
            "migrations": sorted(
                f"{app}.{migration}"
                for app, migration in MigrationRecorder(connection).applied_migrations()
            ),
            "counts": _counts(),
            "media": {"files": files, "bytes": size},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def restore(folder, *, force, log):
    """Restores the backup `folder` into this site's database and media storage,
    migrates it to this code and rebuilds the search index."""
    folder = Path(folder)
    manifest = _manifest(folder)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise CommandError(
            f"{folder} is a backup of a {manifest['database']['vendor']} database; "
            f"this site's is {vendor}."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    newer = [m for m in manifest["migrations"] if tuple(m.split(".", 1)) not in known]
    if newer:
        raise CommandError(
            f"{folder} was made by newer code (commit {manifest['commit']}, version "
            f"{manifest['version']}): this code lacks the migrations "
            + ", ".join(newer)
            + ". Restore it with that version or a later one."
        )
    media = _media_in(folder, manifest)
    dump = folder / manifest["database"]["file"]
    if not dump.is_file():
        raise CommandError(f"{dump} is missing: the backup is incomplete.")
    tables = connection.introspection.table_names()
    present = [name for name in media if default_storage.exists(name)]
    if not force and (tables or present):
        raise CommandError(
            f"The database has {len(tables)} tables and the media storage "
            f"{len(present)} of the backup's files: restore into an empty site, or "
            "pass --force to replace them."
        )
    if vendor == "postgresql":
        _restore_postgresql(dump, force)
    else:
        _restore_sqlite(dump)
    log(f"Database restored from {dump}.")
    for name, path in media.items():
        if name in present:
            default_storage.delete(name)
        with path.open("rb") as content:
            saved = default_storage.save(name, File(content, name=name))
        if saved != name:
            raise CommandError(f"The media storage saved {path} as {saved}.")
    log(f"Media restored: {len(media)} files.")
    Site.clear_site_root_paths_cache()
    call_command("migrate", interactive=False, verbosity=0)
    log("Migrated.")
    call_command("rebuild_search_index")


def _vendor():
    if connection.vendor not in DUMPS:
        raise CommandError(f"Backups support {', '.join(DUMPS)}, not this database.")
    return connection.vendor


def _manifest(folder):
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text())
        missing = {"commit", "version", "database", "migrations", "media"} - set(
            manifest
        )
    except FileNotFoundError:
        raise CommandError(
            f"{path} is missing: {folder} is not a folder made by `manage.py backup`."
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise CommandError(f"{path} is not a backup manifest ({error}).") from None
    if missing:
        raise CommandError(f"{path} lacks {', '.join(sorted(missing))}.")
    return manifest


def _media_in(folder, manifest):
    """{storage name: file} of the backup's media, checked against the manifest."""
    root = folder / MEDIA
    found = {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    size = sum(path.stat().st_size for path in found.values())
    expected = manifest["media"]
    if (len(found), size) != (expected["files"], expected["bytes"]):
        raise CommandError(
            f"{root} holds {len(found)} files of {size} bytes; the manifest says "
            f"{expected['files']} files of {expected['bytes']}: the backup is "
            "incomplete."
        )
    return found


def _copy_media_out(target):
    """Copies every file of the media storage below `target`: (files, bytes)."""
    files = size = 0
    for name in media_names():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        files, size = files + 1, size + path.stat().st_size
    return files, size


def media_names(folder=""):
    """The name of every file in the media storage (local disk or bucket)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # local disk, before the first upload
        return
    for name in files:
        yield f"{folder}{name}"
    for sub in folders:
        yield from media_names(f"{folder}{sub}/")


def _restore_postgresql(dump, force):
    """Reads the whole dump into an SQL script before the database is touched,
    then runs the script in one transaction (after dropping the tables there,
    with `force`), so a failure anywhere leaves the database as it was."""
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "restore.sql"
        with script.open("w") as out:
            if force:
                out.write("DROP SCHEMA public CASCADE; CREATE SCHEMA public;\n")
                out.flush()
            _run(
                ["pg_restore", "--no-owner", "--no-privileges", "--file=-", dump],
                f"{dump} is not a readable PostgreSQL custom-format dump",
                stdout=out,
            )
        connection.close()
        _pg(
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--file={script}",
        )


def _restore_sqlite(dump):
    """Checks the copy from end to end, then copies it over the database with
    the backup API (one write transaction)."""
    uri = f"{dump.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as source:
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
            source.execute("SELECT count(*) FROM django_migrations")
        except sqlite3.Error as error:
            check = str(error)
        if check != "ok":
            raise CommandError(f"{dump} is not a readable SQLite database: {check}.")
        connection.ensure_connection()
        source.backup(connection.connection)
    connection.close()


def _pg(program, *args):
    """Runs a PostgreSQL client program on this site's database."""
    command, env = connection.client.settings_to_cmd_args_env(
        connection.settings_dict, []
    )
    # Django's psql command line: options, then the database name.
    _run([program, *args, *command[1:]], f"{program} failed", env)


def _run(command, failure, env=None, stdout=subprocess.DEVNULL):
    try:
        result = subprocess.run(  # noqa: S603 - our own arguments
            command,
            env={**os.environ, **(env or {})},
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise CommandError(f"{command[0]} is not installed: {PG_CLIENT}.") from None
    if result.returncode:
        raise CommandError(f"{failure}: {result.stderr.strip()}")


def _version():
    with (settings.BASE_DIR / "pyproject.toml").open("rb") as project:
        return tomllib.load(project)["project"]["version"]


def _commit():
    """The checkout's commit, if the code runs from one."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def _counts():
    """Rows per model ("wagtailcore.page": 120, "organisation.membercompany": ...):
    what a restore should bring back, for an operator to compare."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
