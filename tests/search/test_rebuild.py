"""`manage.py rebuild_search_index` (issue 17, item 4): both indexes, in batches
each committed on its own, with progress, resumable, for one model or locale."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from django.utils import timezone
from wagtail.search.models import IndexEntry

from cms.delivery import changes
from cms.search import documents
from cms.search.index import CONTENT
from cms.search.models import RebuildCheckpoint, SearchEntry
from cms.search.rebuild import RUNNING, Progress, running
from newsroom.models import NewsArticlePage, NewsIndexPage
from newsroom.search import NewsArticleDocument
from organisation.models import MemberCompany
from tests.factories import ImageFactory, MemberCompanyFactory, live_article

ARTICLES = "newsroom.newsarticlepage"
# A progress line, its bar, counts, share, rate and time left (or taken).
LINE = re.compile(
    r"^(?P<label>.+?) +\[(?P<bar>[#-]{10})\]  (?P<done>[\d,]+)/(?P<total>[\d,]+)"
    r" +(?P<share>\d+)%  (?P<rate>[\d,]+)/s  (?P<timing>(ETA|in) \d+:\d\d)$"
)


@pytest.fixture
def articles(db):
    """Seven live articles in zh-hans, two in zh-hant, a member company (an
    entry in every locale)."""
    hant = NewsIndexPage.objects.get(locale__language_code="zh-hant")
    made = [live_article(title=f"协会第{n}次理事会") for n in range(7)]
    made += [live_article(hant, title=f"協會第{n}次會議") for n in range(2)]
    MemberCompanyFactory(name="浙江测试科技有限公司")
    return made


def rebuild(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def lines(output, label):
    found = [LINE.match(line) for line in output.splitlines()]
    return [m for m in found if m and m["label"] == label]


def snapshot():
    return sorted(SearchEntry.objects.values_list(*CONTENT))


def test_a_log_gets_a_line_at_each_tenth_with_counts_and_time_left(articles):
    output, _ = rebuild("--model", "newsroom.NewsArticlePage", "--batch-size", "2")
    progress = lines(output, "news articles (zh-hans)")
    # Seven articles, two a batch: lines at 2, 4 and 6 (2/7, 4/7, 6/7 each pass
    # another tenth), then the end with the time taken.
    assert [(m["done"], m["total"]) for m in progress] == [
        ("2", "7"),
        ("4", "7"),
        ("6", "7"),
        ("7", "7"),
    ]
    assert [m["share"] for m in progress] == ["29", "57", "86", "100"]
    assert [m["bar"] for m in progress] == [
        "###-------",
        "######----",
        "#########-",
        "##########",
    ]
    assert all(m["timing"].startswith("ETA ") for m in progress[:-1])
    assert progress[-1]["timing"].startswith("in ")
    assert "\r" not in output  # not a terminal
    hant = lines(output, "news articles (zh-hant)")
    assert [(m["done"], m["total"]) for m in hant] == [("2", "2")]
    wagtail = lines(output, "Wagtail: news articles")
    assert wagtail[-1]["done"] == wagtail[-1]["total"] == "9"
    # 7 + 2 articles in the project's index, 9 in Wagtail's.
    assert output.rstrip().endswith("Search indexes rebuilt (18 objects indexed).")


def test_the_progress_line_reads_rate_and_time_left_from_the_clock():
    now = [100.0]
    out = io.StringIO()
    bar = Progress(out, "news articles", 100_000, 0, tty=False, clock=lambda: now[0])
    now[0] += 26
    bar.advance(52_000)
    assert out.getvalue().splitlines() == [
        "news articles                    [#####-----]  52,000/100,000   52%"
        "  2,000/s  ETA 0:24"
    ]
    now[0] += 4
    bar.advance(1_000)  # 53%: no new tenth, no line
    assert len(out.getvalue().splitlines()) == 1
    slow = Progress(out, "people", 100_000, 0, tty=False, clock=lambda: now[0])
    now[0] += 100
    slow.advance(1_000)
    assert slow.line().endswith("   1%  10/s  ETA 2:45:00")


def test_a_terminal_gets_one_line_redrawn():
    out = io.StringIO()
    bar = Progress(OutputWrapper(out), "people", 3, 0, tty=True, clock=lambda: 0)
    bar.advance(1)
    bar.advance(1)
    bar.advance(1)
    bar.finish()
    drawn = out.getvalue()
    assert "\n" not in drawn[:-1]
    assert drawn.count("\r") == 4
    # Each line erases what a longer one before it left.
    assert all(line.endswith("\x1b[K") for line in drawn[:-1].split("\r")[1:])
    assert drawn.split("\r")[-1].startswith("people")
    assert " 3/3 " in drawn.split("\r")[-1]


def test_each_batch_replaces_its_objects_entries_and_readers_see_every_object(
    articles, monkeypatch
):
    """Between batches every live article has its entry: a batch's entries
    replace the old ones in its transaction. An article unpublished without a
    signal loses its stale entry by the end."""
    stale = articles[3]
    NewsArticlePage.objects.filter(pk=stale.pk).update(live=False)
    live = set(NewsArticlePage.objects.live().values_list("pk", flat=True))
    seen = []

    class Watching(NewsArticleDocument):
        def entries(self, objects):
            indexed = SearchEntry.objects.filter(model=ARTICLES)
            seen.append(live - set(indexed.values_list("object_id", flat=True)))
            return super().entries(objects)

    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Watching())
    rebuild("--model", "newsroom.NewsArticlePage", "--batch-size", "2")
    assert len(seen) == 4  # 3 batches in zh-hans (6 articles), 1 in zh-hant
    assert seen == [set()] * 4  # no live article ever without its entry
    indexed = set(
        SearchEntry.objects.filter(model=ARTICLES).values_list("object_id", flat=True)
    )
    assert indexed == live
    assert not RebuildCheckpoint.objects.exists()


def test_changes_are_announced_once_per_locale_and_batch(
    articles, django_capture_on_commit_callbacks
):
    SearchEntry.objects.filter(model=ARTICLES).delete()
    handed = []
    changes.SUBSCRIBERS.append(handed.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rebuild("--model", "newsroom.NewsArticlePage", "--batch-size", "3")
        # zh-hans: 3 batches (7 articles); zh-hant: 1; en: none changed.
        assert [c.locale for c in handed if c.model == "search"] == [
            "zh-hans",
            "zh-hans",
            "zh-hans",
            "zh-hant",
        ]
        handed.clear()
        with django_capture_on_commit_callbacks(execute=True):
            rebuild("--model", "newsroom.NewsArticlePage", "--batch-size", "3")
        assert [c for c in handed if c.model == "search"] == []  # nothing new
    finally:
        changes.SUBSCRIBERS.remove(handed.append)


class Broken(NewsArticleDocument):
    """Fails on one article, as a rebuild stopped halfway would."""

    def texts(self, page):
        if page.title == "协会第4次理事会":
            raise RuntimeError("the index server is on fire")
        return super().texts(page)


def test_an_interrupted_rebuild_resumes_and_ends_as_a_clean_one(articles, monkeypatch):
    rebuild()
    clean = snapshot()
    # Stale entries all round: the rebuild must put every one right.
    SearchEntry.objects.all().delete()
    IndexEntry.objects.all().delete()
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Broken())
    with pytest.raises(RuntimeError, match="on fire"):
        rebuild("--batch-size", "2")
    # The batches before the failure stayed; the failing one left nothing.
    done = SearchEntry.objects.filter(model=ARTICLES).values_list("title", flat=True)
    assert sorted(done) == [f"协会第{n}次理事会" for n in range(4)]
    checkpoint = RebuildCheckpoint.objects.get(
        index="project",
        model="newsroom.NewsArticlePage",
        locale__language_code="zh-hans",
    )
    assert checkpoint.after == articles[3].pk and not checkpoint.done

    # Without --resume: it says how to resume, and starts afresh (and stops at
    # the same article again).
    out = io.StringIO()
    with pytest.raises(RuntimeError):
        call_command("rebuild_search_index", "--batch-size", "2", stdout=out)
    assert "was interrupted; `rebuild_search_index --resume` continues it" in (
        out.getvalue()
    )
    assert "This rebuild starts afresh instead." in out.getvalue()

    # Rebuilding one model or locale now would lose the checkpoints: refused.
    for partial in (["--model", "organisation.MemberCompany"], ["--locale", "en"]):
        with pytest.raises(CommandError, match="Resume it, or rebuild everything"):
            rebuild(*partial)
    assert (
        RebuildCheckpoint.objects.get(
            index="project", model="newsroom.NewsArticlePage", locale=checkpoint.locale
        ).after
        == articles[3].pk
    )

    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, NewsArticleDocument())
    output, _ = rebuild("--resume", "--batch-size", "2")
    assert output.startswith("Resuming the rebuild started ")
    resumed = lines(output, "news articles (zh-hans)")
    # It went on from the fifth article: a line at 6/7, then the end.
    assert [m["done"] for m in resumed] == ["6", "7"]
    assert snapshot() == clean
    assert not RebuildCheckpoint.objects.exists()
    pages = IndexEntry.objects.filter(content_type__model="newsarticlepage")
    assert pages.count() == len(articles)

    with pytest.raises(CommandError, match="no interrupted rebuild to resume"):
        rebuild("--resume")


def test_the_error_tells_the_operator_how_to_continue(articles, monkeypatch):
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Broken())
    err = io.StringIO()
    with pytest.raises(RuntimeError):
        call_command("rebuild_search_index", stdout=io.StringIO(), stderr=err)
    assert "`rebuild_search_index --resume` continues it" in err.getvalue()


class Interrupted(NewsArticleDocument):
    """Ctrl-C on one article."""

    def texts(self, page):
        if page.title == "协会第4次理事会":
            raise KeyboardInterrupt
        return super().texts(page)


def test_ctrl_c_says_how_to_continue_without_a_traceback(articles, monkeypatch):
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Interrupted())
    with pytest.raises(CommandError) as raised:
        rebuild("--batch-size", "2")
    assert raised.value.returncode == 130
    assert "`rebuild_search_index --resume` continues it" in str(raised.value)
    assert RebuildCheckpoint.objects.filter(done=False).exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_ctrl_c_in_a_terminal_ends_the_progress_line_first(articles, monkeypatch):
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Interrupted())
    out = Terminal()
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--batch-size", "2", stdout=out)
    assert out.getvalue().split("\r")[-1].endswith("\n")


def test_a_second_rebuild_is_refused_while_one_is_running(articles, monkeypatch):
    """Each would remove the other's checkpoints. A rebuild runs while it
    writes batches; one stopped by an error or Ctrl-C does not hold others
    off, one whose process was killed does for rebuild.RUNNING."""
    seen = []

    class Second(NewsArticleDocument):
        def texts(self, page):
            if not seen:
                for args in ([], ["--resume"]):
                    with pytest.raises(CommandError) as refused:
                        rebuild(*args)
                    seen.append(str(refused.value))
            return super().texts(page)

    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Second())
    rebuild("--batch-size", "2")
    assert len(seen) == 2
    for message in seen:
        assert message.startswith("A rebuild started ")
        assert "is running: let it finish." in message
        assert "was killed, `rebuild_search_index --resume` continues it from " in (
            message
        )
    assert not RebuildCheckpoint.objects.exists()  # the first one completed

    # Killed without a word: its last beat holds others off until it is old.
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, Interrupted())
    with pytest.raises(CommandError):
        rebuild("--batch-size", "2")
    assert not running()  # Ctrl-C said it stopped
    RebuildCheckpoint.objects.update(beat=timezone.now())
    with pytest.raises(CommandError, match="is running"):
        rebuild("--resume")
    RebuildCheckpoint.objects.update(beat=timezone.now() - RUNNING)
    monkeypatch.setitem(documents.REGISTRY, NewsArticlePage, NewsArticleDocument())
    output, _ = rebuild("--resume", "--batch-size", "2")
    assert output.startswith("Resuming the rebuild started ")


FILLED = ("cms_search_entry", "cms_search_suggestion", "wagtailsearch_indexentry")


def statistics():
    """When the database last took each FILLED table's statistics (ANALYZE):
    PostgreSQL's time, or on SQLite whether it holds any (cleared here)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read them afresh
            cursor.execute(
                "SELECT relname, last_analyze FROM pg_stat_user_tables "
                "WHERE relname = ANY(%s)",
                [list(FILLED)],
            )
            return dict(cursor.fetchall())
        tables = connection.introspection.table_names(cursor)
        if "sqlite_stat1" not in tables:
            return dict.fromkeys(FILLED)
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM sqlite_stat1")
        return {table: table in found or None for table in FILLED}


def test_a_rebuild_ends_with_the_tables_statistics(articles):
    """The planner's statistics of the tables a rebuild filled are taken when
    it ends, not left to autovacuum."""
    before = statistics()
    rebuild()
    after = statistics()
    assert [t for t in FILLED if after[t] is None or after[t] == before[t]] == []


def test_one_model_rewrites_only_its_entries_in_both_indexes(articles):
    image = ImageFactory(title="培训会封面")
    SearchEntry.objects.all().delete()
    IndexEntry.objects.all().delete()
    output, _ = rebuild("--model", "newsroom.NewsArticlePage")
    assert set(SearchEntry.objects.values_list("model", flat=True)) == {ARTICLES}
    assert SearchEntry.objects.count() == len(articles)
    indexed = IndexEntry.objects.values_list("content_type__model", flat=True)
    assert set(indexed) == {"newsarticlepage"}
    assert "member companies" not in output

    rebuild("--model", "wagtailimages.Image")  # only in Wagtail's index
    assert IndexEntry.objects.filter(object_id=str(image.pk)).exists()
    assert SearchEntry.objects.count() == len(articles)


@pytest.mark.parametrize("code", ["zh-hant", "ZH-Hant"])  # a language tag's case
def test_one_locale_rewrites_only_its_entries(articles, code):
    SearchEntry.objects.all().delete()
    rebuild("--locale", code)
    codes = SearchEntry.objects.values_list("locale__language_code", flat=True)
    assert set(codes) == {"zh-hant"}
    assert SearchEntry.objects.filter(model=ARTICLES).count() == 2
    company = MemberCompany.objects.get(name="浙江测试科技有限公司")
    assert SearchEntry.objects.filter(object_id=company.pk).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "newsroom.Nothing"], "--model newsroom.Nothing: not an indexed"),
        (["--model", "newsroom"], "Indexed models: "),
        (["--model", "newsroom.NewsCategory"], "newsroom.NewsArticlePage"),
        (["--locale", "fr"], "--locale fr: no such locale. Locales: zh-hans"),
        (["--resume", "--model", "newsroom.NewsArticlePage"], "give it no --model"),
        (["--batch-size", "0"], "--batch-size"),
        (
            ["--model", "wagtailimages.Image", "--locale", "en"],
            "--model wagtailimages.Image --locale en: nothing to rebuild",
        ),
    ],
)
def test_bad_arguments_say_what_is_wrong(db, args, message):
    with pytest.raises(CommandError) as raised:
        rebuild(*args)
    assert message in str(raised.value)
    assert not RebuildCheckpoint.objects.exists()


def test_the_model_error_lists_the_indexed_models(db):
    with pytest.raises(CommandError) as raised:
        rebuild("--model", "newsroom.Nothing")
    listed = str(raised.value).split("Indexed models: ")[1]
    for label in (
        "newsroom.NewsArticlePage",
        "organisation.MemberCompany",
        "wagtailimages.Image",
    ):
        assert label in listed
