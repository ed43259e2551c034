"""What the automatic zh-hant edition costs per publication of a zh-hans article.

Run from the project folder (SQLite is created in a temporary file):

    .venv/bin/python benchmarks/sync_cost.py

An article with one block of every body type, three authors and three tags is
published in zh-hans: the first publication makes its zh-hant edition, each later
one (after a change of title and of a table cell) rebuilds it. For both it prints
the SQL queries and the median milliseconds of what runs after the commit
(`cms.localization.sync.after_publish`: the source's refresh, the conversion and
the edition's save and publication), over REPEAT articles.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/sync.sqlite3")

import django  # noqa: E402

django.setup()

import json  # noqa: E402
import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.signals import page_published  # noqa: E402

from cms.localization import sync  # noqa: E402
from newsroom.models import NewsArticleAuthor, NewsIndexPage  # noqa: E402
from tests import factories  # noqa: E402

REPEAT = 9


def measure(page):
    """(queries, ms) of the synchronisation that follows publishing `page`."""
    with transaction.atomic():
        page.save_revision().publish()
    page = type(page).objects.get(pk=page.pk)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        sync.after_publish(page)
        elapsed = (time.perf_counter() - start) * 1000
    return len(queries), elapsed


def main():
    logging.disable(logging.WARNING)
    call_command("migrate", "--noinput", verbosity=0)
    # Synchronisation is measured by hand below, not run by the signal handler.
    page_published.disconnect(dispatch_uid="cms-localization-pages")
    with transaction.atomic():
        factories.skeleton()
    image = factories.ImageFactory()
    document = factories.DocumentFactory()
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    first, again = [], []
    for n in range(REPEAT):
        with transaction.atomic():
            page = factories.NewsArticlePageFactory(
                parent=index,
                title=f"党建工作 {n}",
                slug=f"党建工作-{n}",
                body=factories.every_block_body("zh-hans", image, document),
                live=False,
            )
            for name in ("刘晓东", "张伟", "陈丽"):
                NewsArticleAuthor.objects.create(article=page, name=name)
            page.tags.add("党建", f"会员{n}", "经济")
            page.save()
        first.append(measure(page))
        page.title = f"党建动态 {n}"
        blocks = [dict(block) for block in page.body.raw_data]
        blocks[-1]["value"]["table"]["data"][1][0] = "常务理事单位"
        page.body = json.dumps(blocks)
        again.append(measure(page))
    for label, runs in (("first publication", first), ("republication", again)):
        queries = statistics.median(q for q, _ in runs)
        ms = statistics.median(t for _, t in runs)
        print(f"{label:20} {queries:5.0f} queries {ms:8.1f} ms (median of {REPEAT})")


if __name__ == "__main__":
    main()
