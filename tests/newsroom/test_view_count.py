"""Counting article views: the mutation, the POST endpoint, bots, repeats, races."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from newsroom.models import ArticleViewCount, NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory, live_article

MUTATION = (
    """mutation ($id: ID!) { recordArticleView(id: $id) { viewCount counted } }"""
)
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"


def reader(user_agent=BROWSER, address="203.0.113.7"):
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def mutate(client, article_id):
    response = client.post(
        "/graphql/",
        json.dumps({"query": MUTATION, "variables": {"id": article_id}}),
        content_type="application/json",
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["recordArticleView"]


@pytest.fixture
def article(db):
    return live_article()


def test_a_view_is_counted_once_per_client_within_the_window(article):
    first = reader()
    assert mutate(first, article.pk) == {"viewCount": 1, "counted": True}
    assert mutate(first, article.pk) == {"viewCount": 1, "counted": False}
    other_address = reader(address="198.51.100.2")
    assert mutate(other_address, article.pk) == {"viewCount": 2, "counted": True}


def test_rotating_the_user_agent_does_not_count_a_view_again(article):
    """Finding 8: five made-up browsers from one address counted five views."""
    for version in range(5):
        browser = reader(user_agent=f"{BROWSER} Edg/{130 + version}")
        assert mutate(browser, article.pk)["viewCount"] == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0)",
        "Mozilla/5.0 (Linux) HeadlessChrome/131.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_not_counted(article, user_agent):
    assert mutate(reader(user_agent), article.pk) == {"viewCount": 0, "counted": False}


def test_counting_makes_no_revision_and_leaves_the_page_alone(article):
    revisions = article.revisions.count()
    published = article.last_published_at
    latest = article.latest_revision_id
    mutate(reader(), article.pk)
    article.refresh_from_db()
    assert article.revisions.count() == revisions
    assert article.last_published_at == published
    assert article.latest_revision_id == latest
    assert article.view_count == 1
    # Publishing a revision made before the view does not reset the count.
    article.revisions.latest("created_at").publish()
    assert NewsArticlePage.objects.get(pk=article.pk).view_count == 1


def test_the_post_endpoint(article):
    client = reader()
    url = f"/api/news/{article.pk}/view/"
    assert client.post(url).json() == {"viewCount": 1, "counted": True}
    assert client.post(url).json() == {"viewCount": 1, "counted": False}
    assert client.get(url).status_code == 405
    missing = client.post("/api/news/999999/view/")
    assert missing.status_code == 404
    assert "999999" in missing.json()["error"]


def test_drafts_and_unknown_ids_cannot_be_counted(article, gql):
    article.unpublish()
    [message] = gql.errors(MUTATION, id=article.pk)
    assert f"No published news article has the id {article.pk}" in message
    [message] = gql.errors(MUTATION, id="abc")
    assert "id must be a page id" in message
    assert reader().post(f"/api/news/{article.pk}/view/").status_code == 404
    assert not ArticleViewCount.objects.filter(article=article).exists()


def test_no_mutation_over_get(article):
    query = f"mutation {{ recordArticleView(id: {article.pk}) {{ viewCount }} }}"
    response = reader().get("/graphql/", {"query": query})
    assert response.status_code == 405
    assert "mutation operation from a POST request" in response.content.decode()
    assert not ArticleViewCount.objects.filter(article=article).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL; SQLite serialises them by locking",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_update():
    # The session's skeleton, committed (this test empties the database after it).
    parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    article = NewsArticlePageFactory(parent=parent)
    readers = 24
    barrier = threading.Barrier(readers)
    results, failures = [], []

    def view(n):
        try:
            barrier.wait(timeout=30)
            client = reader(address=f"203.0.113.{n + 1}")
            results.append(client.post(f"/api/news/{article.pk}/view/").json())
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=view, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert ArticleViewCount.objects.get(article=article).count == readers
    # Each request saw its own increment: the counts returned are 1..24.
    assert sorted(r["viewCount"] for r in results) == list(range(1, readers + 1))


def test_readers_behind_the_production_proxy_are_told_apart(article, settings):
    settings.CMS_NUM_PROXIES = 1
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148"

    def view(forwarded):
        client = Client(
            HTTP_USER_AGENT=iphone,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        return client.post(f"/api/news/{article.pk}/view/").json()["counted"]

    assert view("198.51.100.1") is True
    assert view("198.51.100.2") is True
    assert view("198.51.100.1") is False
    # A client cannot pose as someone new by prepending addresses of its own.
    assert view("6.6.6.6, 198.51.100.1") is False


def test_a_reader_reaching_the_app_directly_cannot_pose_as_others(article, settings):
    """Without a proxy (CMS_NUM_PROXIES=0) X-Forwarded-For is whatever the client
    wrote: its views are counted by its own address (issue 15: one host added
    2,000 views by varying the header)."""
    settings.CMS_NUM_PROXIES = 0
    client = reader(address="203.0.113.50")
    counted = [
        client.post(
            f"/api/news/{article.pk}/view/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).json()["counted"]
        for n in range(1, 6)
    ]
    assert counted == [True, False, False, False, False]
    assert ArticleViewCount.objects.get(article=article).count == 1


def test_ids_beyond_any_database_are_not_found(article, gql):
    huge = "99999999999999999999"
    assert reader().post(f"/api/news/{huge}/view/").status_code == 404
    [message] = gql.errors(MUTATION, id=huge)
    assert "id must be a page id" in message
