"""The changes readers can see, as the response cache, the CDN and the webhooks
learn of them (cms.delivery.changes): which events, which keys, only once the
transaction commits."""

import pytest
from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from cms.delivery import changes
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories

pytestmark = pytest.mark.django_db


class Received(list):
    """The changes handed over, in order; `content()` leaves out the search
    index's (the tests' tasks run at once, so the index follows every save)."""

    def content(self):
        return [change for change in self if change.model != "search"]


@pytest.fixture
def received():
    handed = Received()
    changes.SUBSCRIBERS.append(handed.append)
    yield handed
    changes.SUBSCRIBERS.remove(handed.append)


def test_a_publication_names_the_row_its_editions_and_its_lists(
    received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.live_article(title="培训会")
    published = [c for c in received.content() if c.event == "published"]
    # The automatic zh-hant edition follows, published at the commit.
    assert [(c.model, c.locale) for c in published] == [
        ("newsroom.newsarticlepage", "zh-hans"),
        ("newsroom.newsarticlepage", "zh-hant"),
    ]
    assert published[0].pk == str(article.pk)
    assert f"tk:{article.translation_key.hex}" in published[1].keys
    assert published[0].keys == {
        f"page:{article.pk}",
        f"tk:{article.translation_key.hex}",
        "list:newsroom.newsarticlepage:zh-hans",
        "list:newsroom.newsarticlepage",
        "list:wagtailcore.page:zh-hans",
        "list:wagtailcore.page",
    }


def test_a_draft_changes_nothing_readers_see(
    received, django_capture_on_commit_callbacks
):
    article = factories.live_article(title="培训会")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "草稿"
        article.save_revision()
    assert received.content() == []


def test_nothing_is_handed_over_for_a_rolled_back_transaction(received):
    # (pytest-django's test transaction never commits; an inner atomic block
    # rolled back must drop the change, and the next commit starts afresh.)
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.live_article(title="撤回")
        raise RuntimeError
    assert received.content() == []


def test_changes_wait_for_their_transaction_to_commit(
    received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = factories.live_article(title="一")
            second = factories.live_article(title="二")
            assert received.content() == []
    pks = [c.pk for c in received.content() if c.locale == "zh-hans"]
    assert pks == [str(first.pk), str(second.pk)]


def test_unpublish_move_and_delete(received, django_capture_on_commit_callbacks):
    article = factories.live_article(title="培训会")
    other_index = NewsIndexPage.objects.get(locale__language_code="zh-hant")
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert [c.event for c in received.content()] == ["unpublished"]
    received.clear()
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    child = factories.live_article(parent=section, title="子")
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=child.pk).move(other_index, pos="last-child")
    assert [(c.event, c.pk) for c in received.content()] == [("moved", str(child.pk))]
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=article.pk).delete()
    deleted = [c for c in received.content() if c.event == "deleted"]
    # Deleted through its base Page row, it is still a news article.
    assert [(c.model, c.pk) for c in deleted] == [
        ("newsroom.newsarticlepage", str(article.pk))
    ]
    assert "list:newsroom.newsarticlepage:zh-hans" in deleted[0].keys
    assert not NewsArticlePage.objects.filter(pk=article.pk).exists()


def test_a_moved_section_changes_every_page_below_it(
    received, django_capture_on_commit_callbacks
):
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    article = factories.live_article(parent=section, title="培训会")
    home = section.get_parent()
    about = home.get_children().exclude(pk=section.pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=section.pk).move(about, pos="last-child")
    moved = [c for c in received.content() if c.event == "moved"]
    assert [c.pk for c in moved] == [str(section.pk)]
    assert {f"page:{section.pk}", f"page:{article.pk}"} <= moved[0].keys
    assert "list:newsroom.newsarticlepage:zh-hans" in moved[0].keys


def test_a_new_slug_changes_every_page_below_like_a_move(
    received, django_capture_on_commit_callbacks
):
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    article = factories.live_article(parent=section, title="培训会")
    before = article.url_path
    with django_capture_on_commit_callbacks(execute=True):
        section.slug = "renamed-news"
        factories.publish(section)
    moved = [c for c in received.content() if c.event == "moved"]
    assert [c.pk for c in moved] == [str(section.pk)]
    assert {f"page:{section.pk}", f"page:{article.pk}"} <= moved[0].keys
    after = NewsArticlePage.objects.get(pk=article.pk).url_path
    assert after != before
    # The old and the new path of the article, for a frontend to revalidate.
    tail = before.split("/", 2)[2]
    assert any(p.endswith(tail) for p in moved[0].paths)
    assert any(p.endswith(after.split("/", 2)[2]) for p in moved[0].paths)


def test_snippets_and_settings(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        category = factories.association_news(slug="changes")["zh-hans"]
    saved = [c for c in received.content() if c.pk == str(category.pk)]
    assert saved[0].event == "saved"
    assert f"newsroom.newscategory:{category.pk}" in saved[0].keys
    assert "list:newsroom.newscategory:zh-hans" in saved[0].keys
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        category.delete()
    assert [(c.event, c.model) for c in received.content()] == [
        ("deleted", "newsroom.newscategory")
    ]
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        settings_row = factories.SiteSettingsFactory()
    # (and the automatic zh-hant edition the row's commit makes)
    assert {c.model for c in received.content()} == {"home.sitesettings"}
    assert received.content()[0].keys >= {
        f"home.sitesettings:{settings_row.pk}",
        f"tk:{settings_row.translation_key.hex}",
        "list:home.sitesettings:zh-hans",
    }


def test_privacy_changes_everything(received, django_capture_on_commit_callbacks):
    article = factories.live_article(title="内部")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.LOGIN
        )
    assert {changes.ALL} <= {key for c in received for key in c.keys}


def test_a_failing_subscriber_does_not_stop_the_others(
    received, django_capture_on_commit_callbacks, caplog
):
    def broken(change):
        raise ValueError("receiver down")

    changes.SUBSCRIBERS.insert(0, broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            factories.live_article(title="培训会")
    finally:
        changes.SUBSCRIBERS.remove(broken)
    assert received.content()
    assert "broken failed" in caplog.text


def test_the_search_index_changes_after_the_content(
    received, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.live_article(title="培训会")
    assert not [c for c in received if c.model == "search"]
    task_queue.run()
    indexed = [c for c in received if c.model == "search"]
    assert {c.locale for c in indexed} == {"zh-hans", "zh-hant"}
    assert indexed[0].keys == {"search", f"search:{indexed[0].locale}"}


def test_a_page_change_says_where_readers_reach_it(
    received, settings, django_capture_on_commit_callbacks
):
    settings.CMS_PUBLIC_BASE_URLS = "https://www.example.org"
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.live_article(title="培训会", slug="training")
    [published] = [c for c in received.content() if c.pk == str(article.pk)]
    path = f"/{section.slug}/training/"
    assert published.paths == (path,)
    # No base URL of its own: the default one and the language prefix.
    assert published.urls == (f"https://www.example.org/zh-hans{path}",)
    received.clear()
    home = section.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=article.pk).move(home, pos="last-child")
    [moved] = [c for c in received.content() if c.pk == str(article.pk)]
    # Worked out at the signal: the old path is gone from the database by now.
    assert moved.paths == (path, "/training/")
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=article.pk).delete()
    # (Wagtail unpublishes a live page before deleting it)
    assert [
        (c.event, c.paths) for c in received.content() if c.pk == str(article.pk)
    ] == [("unpublished", ("/training/",)), ("deleted", ("/training/",))]


def test_rows_other_than_pages_have_no_paths(
    received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.SiteSettingsFactory()
    assert {(c.paths, c.urls) for c in received.content()} == {((), ())}
