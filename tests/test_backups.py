"""Backups and restore (issue 15, item 7): `manage.py backup` and `manage.py restore`.

A site is built as an operator's would be: a new database, migrated, with pages in
three locales (the real 2021 article, committees, an illustrated article), an
image with renditions, a document, member companies and people, and its search
index. It is backed up, its database dropped, and the backup restored into another
new database (PostgreSQL when the suite runs there, else a new SQLite file) with
new media storage (a new folder, or an S3 bucket on moto's server). The restored
site must answer GraphQL, over the real endpoint, exactly as the original did:
the same pages, the same search results (scores and excerpts included), the same
files byte for byte. What a restore must refuse, it refuses before it changes
anything.

These databases are not the suite's test database: `using` points Django's
default connection at one for a while and then back, so the test database is
untouched and every write here is really committed (as pg_dump, another
process, must see it).
"""

import hashlib
import io
import json
import shutil
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client, override_settings

from cms.content import backups
from cms.search.models import SearchEntry
from newsroom.models import NewsArticlePage
from tests import factories
from tests.conftest import GraphQLClient, postgres_database
from tests.search.corpus import article_editions

# The suite's test database stays in its rolled-back transaction meanwhile (and
# pytest-django creates it only for tests that ask for it).
pytestmark = pytest.mark.django_db
CODES = factories.CODES
PAGES = """
query ($locale: String) { publicUrls(locale: $locale, perPage: 100) {
  totalCount items { id urlPath url lastModified pageType }
} }
"""
ARTICLES = """
query ($locale: String) { newsArticles(locale: $locale, perPage: 50) {
  totalCount items {
    id title url body { blockType rawValue }
    coverImage { id url rendition(width: 320) { url width } }
  }
} }
"""
MEDIA = "{ images { id title url } documents { id title url } }"
SEARCH = """
query ($text: String!, $locale: String, $all: Boolean) {
  search(query: $text, locale: $locale, allLocales: $all, perPage: 50) {
    totalCount
    items {
      type locale score excerpt
      item {
        __typename
        ... on NewsArticlePage { id title url }
        ... on OrgUnit { id name }
        ... on Person { id name }
        ... on MemberCompany { id name creditCode }
      }
    }
  }
}
"""
# (query, locale, all locales): words of the article, the units, the companies.
SEARCHES = [
    ("党支部", "zh-hans", False),
    ("黨建", "zh-hant", False),
    ("Party", "en", False),
    ("港口", None, True),
    ("委员会", "zh-hans", False),
    ("科技", "zh-hans", False),
]


@contextmanager
def new_database(tag, tmp_path):
    """The NAME of a new, empty database of the suite's vendor, dropped after."""
    if connection.vendor != "postgresql":
        yield str(tmp_path / f"{tag}.sqlite3")
        return
    with postgres_database(f"cms_backups_{tag}_") as (_host, _port, name, _login):
        yield name


@contextmanager
def using(name):
    """Django's default connection on the database `name` (same server), then
    back on the test database. Content types and Wagtail's site paths are cached
    by id: their caches are emptied both ways."""
    test_database = connections[DEFAULT_DB_ALIAS]
    other = type(test_database)(
        {**test_database.settings_dict, "NAME": name}, DEFAULT_DB_ALIAS
    )
    connections[DEFAULT_DB_ALIAS] = other
    ContentType.objects.clear_cache()
    cache.clear()
    try:
        yield
    finally:
        other.close()
        connections[DEFAULT_DB_ALIAS] = test_database
        ContentType.objects.clear_cache()
        cache.clear()


def build_site():
    """Pages in three locales, media, companies and people, in a new database."""
    call_command("migrate", verbosity=0)
    # As in conftest: the zh-hant sync runs at the commit and finds the zh-hant
    # editions made here by hand.
    with transaction.atomic():
        skeleton = factories.skeleton()
    with transaction.atomic():
        article_editions()
        factories.structure(skeleton.about)
        factories.generated_member_companies(factories.vocabularies(), 30)
        image = factories.ImageFactory(
            title="宁波港口", file__width=800, file__height=600
        )
        for spec in ("width-320", "fill-400x300"):
            image.get_rendition(spec)
        factories.DocumentFactory(title="协会章程")
        titles = {"zh-hans": "港口考察", "zh-hant": "港口考察記", "en": "Port visit"}
        editions = factories.in_locales(
            factories.NewsArticlePageFactory,
            {
                code: {"parent": skeleton.news[code], "title": t}
                for code, t in titles.items()
            },
            cover_image=image,
        )
        for page in editions.values():
            factories.publish(page)
    call_command("rebuild_search_index", stdout=io.StringIO())


def media_files():
    """{name: SHA-256} of every file in the media storage (disk or bucket)."""
    return {
        name: hashlib.sha256(default_storage.open(name).read()).hexdigest()
        for name in backups.media_names()
    }


def answers():
    """What the site answers readers: GraphQL over the endpoint, and every file
    its answers link to, fetched from the application's routes."""
    client = Client()
    gql = GraphQLClient(client)
    seen = {
        "pages": {code: gql(PAGES, locale=code) for code in CODES},
        "articles": {code: gql(ARTICLES, locale=code) for code in CODES},
        "media": gql(MEDIA),
        "search": [
            gql(SEARCH, text=text, locale=locale, all=every)
            for text, locale, every in SEARCHES
        ],
    }
    urls = [item["url"] for items in seen["media"].values() for item in items] + [
        article["coverImage"]["rendition"]["url"]
        for code in CODES
        for article in seen["articles"][code]["newsArticles"]["items"]
        if article["coverImage"]
    ]
    seen["files"] = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response) if response.streaming else response.content
        seen["files"][url] = hashlib.sha256(content).hexdigest()
    return seen


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """A site, its answers, its media, and a backup of it: the site's database
    is dropped afterwards, as if lost."""
    root = tmp_path_factory.mktemp("backups")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=root / "site-media"),
        new_database("site", root) as name,
        using(name),
    ):
        build_site()
        seen, files = answers(), media_files()
        out = io.StringIO()
        call_command("backup", root / "backups", stdout=out)
    folder = root / "backups" / out.getvalue().strip().rsplit("/", 1)[-1]
    return SimpleNamespace(folder=folder, answers=seen, files=files, root=root)


def restore(folder, *args):
    out = io.StringIO()
    call_command("restore", folder, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def restored(django_db_blocker, tmp_path):
    """Runs the test on a new, empty database and media folder."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path / "media"),
        new_database("restored", tmp_path) as name,
        using(name),
    ):
        yield name


def test_a_backup_holds_the_database_the_media_and_a_manifest(site):
    manifest = json.loads((site.folder / "manifest.json").read_text())
    assert site.folder.name.startswith("cms-backup-")
    # Only its owner may read it (it holds password hashes, restricted files).
    assert site.folder.stat().st_mode & 0o777 == 0o700
    assert manifest["database"] == {
        "vendor": connection.vendor,
        "file": backups.DUMPS[connection.vendor],
    }
    assert (site.folder / manifest["database"]["file"]).stat().st_size > 100_000
    assert manifest["version"] == "0.1.0"
    assert len(manifest["commit"]) == 40
    assert "wagtailcore.0001_initial" in manifest["migrations"]
    counts = manifest["counts"]
    # Pages: the root, then per locale a home, news, organisation, the 2021
    # article, a committee index with its committees, the port article.
    committees = len(factories.COMMITTEES)
    assert counts["wagtailcore.page"] == 1 + 3 * (3 + 1 + 1 + committees + 1)
    assert counts["wagtailimages.image"] == 1
    assert counts["wagtailimages.rendition"] == 2
    assert counts["wagtaildocs.document"] == 1
    assert counts["organisation.membercompany"] == 30
    assert counts["cms_search.searchentry"] > 30 * 3
    # Every file of the storage: the original, its renditions, the document.
    copied = {
        path.relative_to(site.folder / "media").as_posix(): path
        for path in (site.folder / "media").rglob("*")
        if path.is_file()
    }
    assert copied.keys() == site.files.keys()
    assert len(copied) == 4
    for name, path in copied.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == site.files[name]
    assert manifest["media"] == {
        "files": 4,
        "bytes": sum(path.stat().st_size for path in copied.values()),
    }
    assert not [p for p in site.folder.parent.iterdir() if p.name.startswith(".")]


def test_a_restored_site_answers_as_the_original_did(site, restored):
    output = restore(site.folder)

    assert "Media restored: 4 files." in output
    seen = answers()
    for text, search in zip(SEARCHES, seen["search"], strict=True):
        assert search["search"]["totalCount"] > 0, text
    assert seen["files"] and seen["pages"]["en"]["publicUrls"]["totalCount"] > 3
    assert seen == site.answers
    assert media_files() == site.files
    # A second restore would overwrite a site: refused, unless forced.
    with pytest.raises(CommandError, match="pass --force to replace them"):
        restore(site.folder)


def test_restore_rebuilds_the_search_index(site, restored, tmp_path):
    """The index comes back with the database; a restore makes it again from the
    content all the same (as the restoring code cuts it): a backup without an
    index finds what the site found."""
    restore(site.folder)
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("backup", tmp_path / "unindexed", stdout=out)

    restore(out.getvalue().strip(), "--force")
    assert answers()["search"] == site.answers["search"]


def test_a_forced_restore_replaces_a_site_only_with_a_whole_backup(
    site, restored, tmp_path
):
    restore(site.folder)
    NewsArticlePage.objects.filter(title__startswith="港口").delete()
    changed = answers()
    assert changed != site.answers
    damaged = tmp_path / "damaged"
    shutil.copytree(site.folder, damaged)
    dump = damaged / backups.DUMPS[connection.vendor]
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    with pytest.raises(CommandError, match=f"{dump} is not a readable"):
        restore(damaged, "--force")
    assert answers() == changed

    restore(site.folder, "--force")
    assert answers() == site.answers


def damage(folder, how):
    manifest = json.loads((folder / "manifest.json").read_text())
    if how == "no manifest":
        (folder / "manifest.json").unlink()
    elif how == "no dump":
        (folder / manifest["database"]["file"]).unlink()
    elif how == "a file lost":
        next(path for path in (folder / "media").rglob("*") if path.is_file()).unlink()
    elif how == "newer code":
        manifest["migrations"].append("newsroom.9999_from_the_future")
        (folder / "manifest.json").write_text(json.dumps(manifest))
    elif how == "garbage dump":
        (folder / manifest["database"]["file"]).write_bytes(b"PGDMP" + b"\0" * 99)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("no manifest", "manifest.json is missing: .* is not a folder made by"),
        ("no dump", r"database\.\w+ is missing: the backup is incomplete"),
        ("a file lost", "media holds 3 files of .*; the manifest says 4 files"),
        ("newer code", "lacks the migrations newsroom.9999_from_the_future"),
        ("garbage dump", r"database\.\w+ is not a readable"),
    ],
)
def test_a_damaged_backup_is_named_and_nothing_is_written(
    site, restored, tmp_path, how, message
):
    damaged = tmp_path / "damaged"
    shutil.copytree(site.folder, damaged)
    damage(damaged, how)

    with pytest.raises(CommandError, match=message):
        restore(damaged)
    assert connection.introspection.table_names() == []
    assert list(backups.media_names()) == []


def test_media_restored_into_a_bucket_and_backed_up_from_it(
    site, django_db_blocker, tmp_path, media_bucket, settings
):
    """The same backup restored with media in an S3 bucket (moving a site from
    local disk to object storage); a backup of that site then copies the
    bucket's objects."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock(), new_database("bucket", tmp_path) as name:
        with using(name):
            restore(site.folder)
            keys = {
                item["Key"]
                for item in media_bucket.client.list_objects_v2(
                    Bucket=media_bucket.name
                )["Contents"]
            }
            assert keys == site.files.keys()
            assert media_files() == site.files
            assert answers() == site.answers
            out = io.StringIO()
            call_command("backup", tmp_path / "again", stdout=out)
    again = tmp_path / "again" / out.getvalue().strip().rsplit("/", 1)[-1]
    assert {
        path.relative_to(again / "media").as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in (again / "media").rglob("*")
        if path.is_file()
    } == site.files
    assert not (tmp_path / "media").exists()
