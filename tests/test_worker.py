"""Background tasks (issue 15, item 2): the database queue, the worker, retries,
the failed-task report and scheduled publishing.

One test runs the real thing: a new database, content written by one process as
production writes it, and `manage.py worker` in a process of its own doing the
queued work. The others run queued tasks in the test's own transaction through
django-tasks-db's worker code (`task_queue`, tests/conftest.py).
"""

import json
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.localization.tasks import follow_publication
from cms.search.models import SearchEntry
from cms.worker import schedule
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory
from tests.test_production_settings import manage
from tests.test_two_processes import shared_database  # noqa: F401 - a fixture

TITLE = "年度会员大会召开"
FAILED_TASKS = "/admin/reports/failed-tasks/"
FAILURES = {"flaky": 0}


@task()
def flaky(failures):
    """Fails its first `failures` runs."""
    FAILURES["flaky"] += 1
    if FAILURES["flaky"] <= failures:
        raise ConnectionError(f"attempt {FAILURES['flaky']} failed")
    return FAILURES["flaky"]


@task()
def hopeless():
    raise RuntimeError("the printer is on fire")


def zh_hant_edition(page):
    return page.get_translation_or_none(Locale.objects.get(language_code="zh-hant"))


def draft_article(title=TITLE):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    return NewsArticlePageFactory(parent=index, title=title, slug=title, live=False)


def test_publishing_in_the_admin_leaves_the_work_to_the_worker(
    task_queue, admin_client, gql, django_capture_on_commit_callbacks
):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    form = {
        "title": TITLE,
        "slug": "meeting",
        "summary": "",
        "body": streamfield([]),
        "authors": inline_formset([]),
        "tags": "",
        "action-publish": "action-publish",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/pages/add/newsroom/newsarticlepage/{index.pk}/",
            nested_form_data(form),
        )
    assert response.status_code == 302
    page = NewsArticlePage.objects.get(slug="meeting")
    assert page.live
    # The request did none of the follow-up work; it queued it.
    assert zh_hant_edition(page) is None
    assert not SearchEntry.objects.filter(model="newsroom.newsarticlepage").exists()
    queued = set(task_queue.waiting().values_list("task_path", flat=True))
    assert {
        "cms.localization.tasks.follow_publication",
        "cms.search.tasks.update_entries",
    } <= queued

    task_queue.run()
    hant = zh_hant_edition(page)
    assert hant.live and hant.title == "年度會員大會召開"
    found = gql(
        '{ search(query: "会员大会", locale: "zh-hant") { items { item {'
        " ... on NewsArticlePage { title } } } } }"
    )["search"]["items"]
    assert [item["item"]["title"] for item in found] == ["年度會員大會召開"]


def test_the_sync_task_is_safe_twice_and_late(
    task_queue, django_capture_on_commit_callbacks
):
    page = draft_article()
    for title in (TITLE, "年度会员大会闭幕"):
        page.title = title
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
    # Two publications queued two runs; both run after the second publication.
    task_queue.run()
    hant = zh_hant_edition(page).specific
    assert hant.title == "年度會員大會閉幕"
    revisions = hant.revisions.count()
    follow_publication.enqueue("newsroom.NewsArticlePage", str(page.pk))
    task_queue.run()
    assert hant.revisions.count() == revisions  # nothing to do: no new revision


def test_a_failing_task_is_retried_later_each_time(task_queue, settings):
    settings.CMS_TASK_RETRY_DELAY = 10
    FAILURES["flaky"] = 0
    result = flaky.enqueue(2)
    row = DBTaskResult.objects.get(pk=result.id)
    for waited in (10, 20):
        task_queue.run()
        row.refresh_from_db()
        assert row.status == TaskResultStatus.READY
        assert "ConnectionError" in row.traceback  # the last error, kept
        delay = (row.run_after - timezone.now()).total_seconds()
        assert waited - 2 < delay <= waited
        DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    task_queue.run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 3
    assert len(row.worker_ids) == 3


def test_a_task_that_keeps_failing_is_listed_for_administrators(
    task_queue, settings, admin_client, client, django_user_model
):
    settings.CMS_TASK_ATTEMPTS = 3
    settings.CMS_TASK_RETRY_DELAY = 0
    hopeless.enqueue()
    flaky.enqueue(0)
    task_queue.run()
    row = DBTaskResult.objects.get(task_path="tests.test_worker.hopeless")
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert not DBTaskResult.objects.failed().exclude(pk=row.pk).exists()

    page = admin_client.get(FAILED_TASKS).content.decode()
    assert "hopeless" in page
    assert "RuntimeError: the printer is on fire" in page
    assert "Traceback" in page
    assert "flaky" not in page  # it succeeded

    editor = django_user_model.objects.create_user("mk-editor", password="x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert "printer" not in client.get(FAILED_TASKS).content.decode()


def test_the_failed_task_list_costs_the_same_queries_for_any_number(
    task_queue, settings, admin_client
):
    settings.CMS_TASK_ATTEMPTS = 1

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(FAILED_TASKS).status_code == 200
        return len(captured)

    hopeless.enqueue()
    task_queue.run()
    few = queries()
    for _ in range(6):
        hopeless.enqueue()
    task_queue.run()
    assert DBTaskResult.objects.failed().count() == 7
    assert queries() == few


def test_scheduled_publishing_runs_every_minute_in_one_chain(task_queue):
    page = draft_article()
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(seconds=5)
    revision.save()
    schedule.ensure()
    schedule.ensure()  # a second worker starting: still one chain
    chain = DBTaskResult.objects.filter(
        task_path="cms.worker.schedule.publish_scheduled"
    )
    assert chain.count() == 1

    task_queue.run()
    page.refresh_from_db()
    assert page.live
    assert chain.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    [following] = chain.filter(status=TaskResultStatus.READY)
    delay = (following.run_after - timezone.now()).total_seconds()
    assert 55 < delay <= 60


def test_a_real_worker_process_does_the_queued_work(
    tmp_path,
    shared_database,  # noqa: F811
    private_redis,
):
    """Content written by one production process; `manage.py worker` in another,
    sharing the database and a Redis as production does."""
    env = {
        "DATABASE_URL": shared_database,
        "CACHE_URL": private_redis.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = manage("migrate", "--noinput", **env)
    assert result.returncode == 0, result.stderr
    result = manage("shell", "--no-imports", "-c", WRITE, **env)
    assert result.returncode == 0, result.stderr
    assert read(env) == {
        "hant": None,
        "entries": 0,
        "wagtail_entries": 0,
        "scheduled_live": False,
    }

    worker = manage("worker", "--batch", "--no-startup-delay", **env)
    log = worker.stdout + worker.stderr
    assert worker.returncode == 0, log
    assert "update_entries" in log  # the worker's log names the tasks it ran
    assert "update_wagtail_index" in log

    assert read(env) == {
        "hant": "年度會員大會召開",
        "entries": 2,  # both indexes: the article and its zh-hant edition
        "wagtail_entries": 2,
        "scheduled_live": True,
    }


def read(env):
    result = manage("shell", "--no-imports", "-c", READ, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# Run by a production process: the session skeleton, an article published as the
# admin does and one whose approved go-live time has passed.
WRITE = f"""
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from tests import factories
from newsroom.models import NewsIndexPage
with transaction.atomic():
    factories.skeleton()
index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
factories.live_article(title="{TITLE}", slug="meeting")
page = factories.NewsArticlePageFactory(
    parent=index, title="会员大会预告", slug="later", live=False
)
revision = page.save_revision()
revision.approved_go_live_at = timezone.now() - timedelta(seconds=5)
revision.save()
"""
READ = """
import json
from wagtail.models import Locale
from wagtail.search.models import IndexEntry
from cms.localization.tasks import follow_publication
from cms.search.models import SearchEntry
from newsroom.models import NewsArticlePage
hant = Locale.objects.get(language_code="zh-hant")
meeting = NewsArticlePage.objects.get(slug="meeting", locale__language_code="zh-hans")
edition = meeting.get_translation_or_none(hant)
pks = [str(meeting.pk), str(getattr(edition, "pk", 0))]
print(json.dumps({
    "hant": edition and edition.live and edition.title,
    "entries": SearchEntry.objects.filter(object_id=meeting.pk).count()
    + SearchEntry.objects.filter(object_id=getattr(edition, "pk", 0)).count(),
    "wagtail_entries": IndexEntry.objects.filter(object_id__in=pks).count(),
    "scheduled_live": NewsArticlePage.objects.get(
        slug="later", locale__language_code="zh-hans"
    ).live,
}))
"""
