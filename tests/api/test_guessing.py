"""Issue 12's findings 6 to 8: Wagtail's HTML routes follow the API's visibility,
guessing is throttled wherever it is possible, and the tree's bookkeeping counts
no hidden page."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from graphql import get_named_type
from grapple.schema import schema
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    PageViewRestriction,
)

from cms.api import ratelimit
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory, live_article

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"


def reader(address="203.0.113.7"):
    return Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address)


@pytest.fixture
def news(db):
    return NewsIndexPage.objects.get(locale__language_code="zh-hans")


def test_expired_page_is_a_404_before_publish_scheduled_runs(news):
    """Finding 6: an article past expire_at, still live until publish_scheduled
    runs, was served as HTML with its body."""
    article = live_article(news, title="过期文章zqexpiredhtml")
    assert reader().get(article.url).status_code == 200  # the control
    NewsArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = reader().get(article.url)
    assert response.status_code == 404
    assert "zqexpiredhtml" not in response.content.decode()


def test_redirect_to_a_hidden_page_is_a_404_without_its_url(news):
    """Finding 8: a redirect answered 301 with the URL of a draft."""
    draft = NewsArticlePageFactory(parent=news, live=False, slug="zq-draft-target")
    shown = live_article(news, slug="zq-live-target")
    Redirect.objects.create(old_path="/old-draft", redirect_page=draft)
    Redirect.objects.create(old_path="/old-live", redirect_page=shown)
    assert reader().get("/old-live").status_code == 301  # the control
    assert reader().get("/old-live")["Location"].endswith("/zq-live-target/")
    response = reader().get("/old-draft", follow=True)
    assert response.status_code == 404
    for url, _status in response.redirect_chain:  # the locale prefix only
        assert "zq-draft-target" not in url
    assert "zq-draft-target" not in response.content.decode()


@pytest.fixture
def few_guesses(settings):
    settings.CMS_RATE_LIMITS = {
        **settings.CMS_RATE_LIMITS,
        "password": (3, 600),
        "password-page": (5, 3600),
    }


def guess(client, url, password, next_url="/"):
    return client.post(url, {"password": password, "return_url": next_url})


def test_page_password_form_is_throttled_per_client(news, few_guesses):
    """Finding 8: 20 wrong passwords and then the right one let the client in."""
    article = live_article(news)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type="password", password="right-one"
    )
    form = f"/zh-hans/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    attacker = reader()
    for attempt in range(3):
        assert guess(attacker, form, f"wrong-{attempt}").status_code == 200
    refused = guess(attacker, form, "right-one")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 601
    # Another address still gets in with the right password.
    assert guess(reader("198.51.100.2"), form, "right-one").status_code == 302


def test_password_form_is_throttled_per_page_across_addresses(news, few_guesses):
    article = live_article(news)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type="password", password="right-one"
    )
    form = f"/zh-hans/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    for attempt in range(5):  # one wrong guess from each of five addresses
        client = reader(f"198.51.100.{attempt + 10}")
        assert guess(client, form, "wrong").status_code == 200
    assert guess(reader("192.0.2.1"), form, "right-one").status_code == 429


def test_document_collection_password_form_is_throttled(db, few_guesses):
    collection = Collection.get_first_root_node().add_child(name="zq 密码文件")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="right-one"
    )
    document = get_document_model().objects.create(
        title="zq secret", collection=collection
    )
    document.file.save("zq-secret.txt", ContentFile(b"secret"))
    form = f"/documents/authenticate_with_password/{restriction.pk}/"
    attacker = reader()
    for attempt in range(3):
        assert (
            guess(attacker, form, f"wrong-{attempt}", document.url).status_code == 200
        )
    assert guess(attacker, form, "right-one", document.url).status_code == 429
    assert guess(reader("198.51.100.2"), form, "right-one").status_code == 302


def test_grapple_search_query_counts_against_the_search_limit(news, settings, gql):
    """Finding 8: pages(searchQuery:) and descendants(searchQuery:) were not
    rate-limited."""
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "search": (2, 60)}
    query = """query($id: ID) {
      pages(searchQuery: "协会") { totalCount }
      page(id: $id) { descendants(searchQuery: "协会") { id } }
    }"""
    assert gql(query, id=news.pk)  # two searches: within the limit
    status, body = gql.post(query, {"id": news.pk})
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes == {"RATE_LIMITED"}
    # `pages` fails alone: null, with the rest of the data kept.
    assert body["data"]["pages"] is None and "page" in body["data"]
    status, body = gql.post("{ pages(perPage: 1) { totalCount } }")
    assert "errors" not in body  # plain listings do not count


def test_tree_bookkeeping_is_not_in_the_schema():
    """Finding 8: numchild counted hidden children and gaps in path counted
    hidden siblings."""
    graphql_schema = schema.graphql_schema
    page_types = [
        t for t in graphql_schema.type_map.values() if hasattr(t, "interfaces")
    ]
    pages = [
        t for t in page_types if any(i.name == "PageInterface" for i in t.interfaces)
    ]
    assert len(pages) >= 6
    collection = graphql_schema.get_type("CollectionObjectType")
    for type_ in [*pages, collection]:
        assert "numchild" not in type_.fields, type_.name
        assert "path" not in type_.fields, type_.name
    assert get_named_type(pages[0].fields["depth"].type).name == "Int"


def test_depth_counts_only_visible_sections(news, gql):
    """A live page below a draft section: its depth does not show the draft."""
    section = NewsIndexPage(title="zq 草稿栏目", slug="zq-draft-section", live=False)
    news.add_child(instance=section)
    child = live_article(section, title="栏目下的文章")
    article = live_article(news)
    query = "query($id: ID) { page(id: $id) { depth } }"
    assert gql(query, id=article.pk)["page"]["depth"] == article.depth
    assert gql(query, id=child.pk)["page"]["depth"] == article.depth
    assert child.depth == article.depth + 1


def test_password_attempts_count_before_the_password_is_checked(db, few_guesses):
    """An outside review sent 100 wrong passwords at once: counted only after each
    answer, 53 were checked against a limit of 10. The count now goes up first."""
    seen = []

    def form(request, restriction_id):
        seen.append(cache.get(f"{ratelimit.window('password')[1]}:203.0.113.7"))
        return HttpResponse("the form again")

    guarded = ratelimit.password_form(form, lambda kwargs: "collection:1")
    post = RequestFactory().post("/", {"password": "x"}, REMOTE_ADDR="203.0.113.7")
    answers = [guarded(post, restriction_id=1).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert seen == [1, 2, 3]  # counted before the view ran


def test_password_guesses_count_for_the_content_in_every_locale(
    news, few_guesses, django_capture_on_commit_callbacks
):
    """An outside review: each edition's copied restriction had its own count, so
    one password could be guessed three times as often, once per locale's form."""
    with django_capture_on_commit_callbacks(execute=True):
        article = live_article(news)
    PageViewRestriction.objects.create(
        page=article, restriction_type="password", password="right-one"
    )
    hant = article.get_translation(Locale.objects.get(language_code="zh-hant"))
    forms = {}
    for page, lang in ((article, "zh-hans"), (hant, "zh-hant")):
        restriction = PageViewRestriction.objects.get(page=page)
        forms[page.pk] = (
            f"/{lang}/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
        )
    for attempt in range(5):  # five addresses, five wrong guesses, one locale
        client = reader(f"198.51.100.{attempt + 10}")
        assert guess(client, forms[article.pk], "wrong").status_code == 200
    assert guess(reader("192.0.2.1"), forms[hant.pk], "right-one").status_code == 429
