"""Both indexes follow the content on the worker (issue 17, item 4): the
project's (`search`) and Wagtail's (the admin, grapple's `searchQuery`). A
change queues its work and leaves both indexes as they were; the worker's own
task-running code (`task_queue`, tests/conftest.py) makes it searchable, a
deletion or unpublication included. tests/test_worker.py runs the real `manage.py
worker` process."""

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.search.models import IndexEntry

from cms.search.models import SearchEntry
from newsroom.models import NewsIndexPage
from tests.factories import (
    ImageFactory,
    MemberCompanyFactory,
    NewsArticlePageFactory,
    OrgUnitFactory,
    PersonFactory,
    PositionFactory,
)
from tests.search.test_search import titles
from tests.search.test_wagtail_search import PAGES

TITLE = "犀鸟湿地保护座谈会"
TASKS = {"cms.search.tasks.update_entries", "cms.search.tasks.update_wagtail_index"}


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return client


def grapple_titles(gql, query):
    return [item["title"] for item in gql(PAGES, q=query)["pages"]["items"]]


def wagtail_entries(obj):
    return IndexEntry.objects.filter(object_id=str(obj.pk))


def queued(task_queue):
    return set(task_queue.waiting().values_list("task_path", flat=True))


def test_a_page_follows_publication_unpublication_and_deletion_on_the_worker(
    task_queue, gql, django_capture_on_commit_callbacks
):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = NewsArticlePageFactory(
        parent=index, title="座谈会预告", slug="hornbill", live=False
    )
    task_queue.run()  # the draft, in Wagtail's index (the admin finds drafts)
    page.title = TITLE
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert queued(task_queue) >= TASKS
    assert titles(gql, "犀鸟湿地") == []
    assert grapple_titles(gql, "犀鸟湿地") == []

    task_queue.run()
    assert titles(gql, "犀鸟湿地") == [TITLE]
    assert grapple_titles(gql, "犀鸟湿地") == [TITLE]

    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert queued(task_queue) >= TASKS
    # Its entry stays until the worker runs (results are checked against the
    # live pages at query time, so `search` already leaves it out).
    assert SearchEntry.objects.filter(object_id=page.pk).exists()
    task_queue.run()
    assert not SearchEntry.objects.filter(object_id=page.pk).exists()
    assert titles(gql, "犀鸟湿地") == []
    assert grapple_titles(gql, "犀鸟湿地") == []
    assert wagtail_entries(page).exists()  # the admin finds unpublished pages

    page.save_revision().publish()
    task_queue.run()
    pk = page.pk
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert queued(task_queue) >= TASKS
    # Wagtail's entry goes with the page, in its transaction (a generic
    # relation: Django deletes it as it deletes the page's own rows); ours on
    # the worker.
    assert not IndexEntry.objects.filter(object_id=str(pk)).exists()
    assert SearchEntry.objects.filter(object_id=pk).exists()
    task_queue.run()
    assert not SearchEntry.objects.filter(object_id=pk).exists()
    assert not DBTaskResult.objects.failed().exists()  # nothing left to fail


def admin_images(editor, query):
    return editor.get("/admin/images/", {"q": query}).content.decode()


def test_an_image_saved_and_deleted_in_the_admin_is_indexed_on_the_worker(
    task_queue, editor
):
    """Wagtail's image form indexes in the request; not here."""
    image = ImageFactory(title="峰会现场")
    task_queue.run()
    response = editor.post(
        f"/admin/images/{image.pk}/",
        {
            "title": "培训会封面",
            "collection": Collection.get_first_root_node().pk,
            "tags": "签约仪式",
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(pk=image.pk).title == "培训会封面"
    editor.get("/admin/images/")  # shows (and so removes) the "updated" message
    waiting = queued(task_queue)
    assert "cms.search.tasks.update_wagtail_index" in waiting
    assert "modelsearch.tasks.insert_or_update_object_task" not in waiting
    assert "培训会封面" not in admin_images(editor, "封面")

    task_queue.run()
    assert "培训会封面" in admin_images(editor, "封面")
    assert "培训会封面" in admin_images(editor, "簽約")  # its tag, in Traditional

    response = editor.post(f"/admin/images/{image.pk}/delete/")
    assert response.status_code == 302
    assert not wagtail_entries(image).exists()  # deleted with the image
    task_queue.run()  # a task for a deleted image succeeds (modelsearch's failed)
    assert not DBTaskResult.objects.failed().exists()


SNIPPETS = """query($q: String!) {
  search(query: $q, locale: "zh-hans") { totalCount items { item { __typename } } }
  searchSuggestions(prefix: $q, locale: "zh-hans") { text }
}"""


def test_snippets_deleted_or_withdrawn_are_not_found_before_the_worker_runs(
    task_queue, gql, django_capture_on_commit_callbacks
):
    """Their entries wait for the worker; readers' answers do not: an entry
    whose object is gone (a member company deleted, a unit deleted, a person
    deleted) or withdrawn (a company no longer active) is not found, and the
    rest of the answer is whole (reading a deleted object's row was an
    internal error)."""
    word = "犀鸟湿地"
    company = MemberCompanyFactory(name=f"{word}科技有限公司")
    gone = MemberCompanyFactory(name=f"{word}生态有限公司")
    unit = OrgUnitFactory(name=f"{word}专业委员会")
    person = PersonFactory(name=f"{word}顾问")
    PositionFactory(person=person, unit=unit)
    task_queue.run()
    entries = SearchEntry.objects.filter(title__startswith=word)
    indexed = entries.count()
    found = gql(SNIPPETS, q=word)
    assert found["search"]["totalCount"] == 4
    assert len(found["searchSuggestions"]) == 4

    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
        person.delete()
        unit.delete()
        company.active = False
        company.save()
    assert queued(task_queue)
    assert entries.count() == indexed  # waiting for the worker
    found = gql(SNIPPETS, q=word)
    assert found["search"] == {"totalCount": 0, "items": []}
    assert found["searchSuggestions"] == []
    task_queue.run()
    assert not entries.exists()
