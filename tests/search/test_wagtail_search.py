"""Wagtail's own search with the project's terms (cms/search/wagtail_backend), as
editors use it: real requests through the 简体中文 admin's page search, explorer,
image and document libraries, snippet listings and choosers, and grapple's
`searchQuery` over /graphql/."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from newsroom.models import NewsIndexPage
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    OrgUnitFactory,
    live_article,
    locale,
)

ASSOCIATION = "浙江省中小企业协会"


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return client


def paragraph(text):
    return [("paragraph", f"<p>{text}</p>")]


@pytest.fixture
def pages(db):
    """The editors' cases: 协会 mid-title and only in a body, 培训会 mid-title,
    座谈交流 and 扶持政策 in bodies, and a page with none of them."""
    return {
        "association": live_article(title=f"{ASSOCIATION}第五届理事会"),
        "training": live_article(title="2024年度会员企业培训会圆满举办"),
        "forum": live_article(
            title="企业家座谈会",
            body=paragraph("本次会议由本协会主办，与会企业家开展座谈交流。"),
        ),
        "policy": live_article(
            title="省经信厅发布通知",
            body=paragraph("解读中小企业扶持政策，帮助企业纾困。"),
        ),
        "other": live_article(title="数字经济峰会", summary="峰会回顾"),
    }


def search_pages(editor, query):
    """The page search view's results in the 简体中文 admin: (its HTML, the
    title column's header text)."""
    html = editor.get(
        "/admin/pages/search/", {"q": query}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    return html, header(html)


def header(html):
    """The text of the title column's header of a page listing."""
    cell = re.search(r'<th[^>]*class="[^"]*\btitle\b[^"]*"[^>]*>(.*?)</th>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())


def page_count(query):
    return get_search_backend().autocomplete(query, Page.objects.all()).count()


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_page_search_finds_words_anywhere_in_titles_and_bodies(editor, pages, script):
    words = {
        "协会": ("association", "forum"),
        "培训会": ("training",),
        "座谈交流": ("forum",),
        "扶持政策": ("policy",),
    }
    traditional = {"协会": "協會", "培训会": "培訓會", "座谈交流": "座談交流"}
    for word, expected in words.items():
        query = traditional.get(word, word) if script == "traditional" else word
        html, _ = search_pages(editor, query)
        for name, page in pages.items():
            assert (page.title in html) == (name in expected), (query, name)


def test_page_search_finds_every_page_containing_the_word(editor, pages):
    """协会 anywhere: the editors' pages and the skeleton's (关于协会, intros such
    as 协会新闻), in every locale, each counted in the header."""
    html, text = search_pages(editor, "协会")
    assert pages["association"].title in html and pages["forum"].title in html
    assert "关于协会" in html and "關於協會" in html and "协会动态" in html
    assert pages["training"].title not in html
    total = page_count("协会")
    assert total >= 6
    assert text == f"标题 第 1-{total} 个，共 {total} 个页面"
    # The results' heading too (Wagtail's catalogs lack it: home/wagtail_messages).
    assert f"共有 {total} 个匹配的页面" in html


def test_page_search_header_reads_in_english_too(editor, pages):
    html = editor.get(
        "/admin/pages/search/", {"q": "培训会"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert header(html).endswith("1-1 of 1 page")


def test_explorer_search_in_a_section(editor, pages):
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    html = editor.get(
        f"/admin/pages/{news.pk}/", {"q": "培訓會"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert pages["training"].title in html
    assert pages["association"].title not in html
    assert header(html).startswith(f"标题 “ {news.title} ”中第 1-1 个，共 1 个页面。")


def test_image_and_document_libraries(editor, db):
    ImageFactory(title="培训会封面")
    ImageFactory(title="峰会现场")
    DocumentFactory(title="中小企业扶持政策解读")
    for query in ("封面", "培訓會"):
        html = editor.get("/admin/images/", {"q": query}).content.decode()
        assert "培训会封面" in html and "峰会现场" not in html
    html = editor.get("/admin/documents/", {"q": "扶持政策"}).content.decode()
    assert "中小企业扶持政策解读" in html


def org_unit(name):
    return OrgUnitFactory(name=name, locale=locale("zh-hans"))


def test_snippet_listing_and_chooser(editor, db):
    org_unit("会员服务部")
    org_unit("法律咨询中心")
    listing = reverse("wagtailsnippets_organisation_orgunit:list")
    for query in ("服务", "會員服務"):
        html = editor.get(listing, {"q": query}).content.decode()
        assert "会员服务部" in html and "法律咨询中心" not in html
    chooser = reverse("wagtailsnippetchoosers_organisation_orgunit:choose_results")
    html = editor.get(chooser, {"q": "會員"}).content.decode()
    assert "会员服务部" in html and "法律咨询中心" not in html


def test_page_chooser_search(editor, pages):
    html = editor.get(
        reverse("wagtailadmin_choose_page_search"), {"q": "扶持政策"}
    ).content.decode()
    assert pages["policy"].title in html and pages["other"].title not in html


PAGES = """query ($q: String) { pages(searchQuery: $q, perPage: 50) {
  items { title } } }"""


@pytest.mark.parametrize(
    ("query", "found"),
    [("协会", {"association", "forum"}), ("培訓會", {"training"}),
     ("扶持政策", {"policy"})],
)  # fmt: skip
def test_grapple_search_query(gql, pages, query, found):
    items = gql(PAGES, q=query)["pages"]["items"]
    shown = {item["title"] for item in items}
    assert {name for name, page in pages.items() if page.title in shown} == found


def found(pages, query, method="search", **kwargs):
    """Which of `pages` Wagtail's search finds for `query` (other tests' pages
    may match too)."""
    search = getattr(get_search_backend(), method)
    results = search(query, Page.objects.all(), **kwargs)
    pks = {page.pk for page in results}
    return {name for name, page in pages.items() if page.pk in pks}


def test_update_index_rebuilds_what_changed_without_signals(db, pages):
    """`manage.py update_index` (Wagtail's) indexes through this backend: a title
    written past the signal handlers is found once the index is rebuilt."""
    Page.objects.filter(pk=pages["other"].pk).update(title="犀鸟湿地峰会")
    assert found(pages, "犀鸟湿地") == set()
    call_command("update_index", stdout=io.StringIO())
    assert found(pages, "犀鸟湿地") == {"other"}
    assert found(pages, "数字经济") == set()


def test_query_forms(db, pages):
    # Either part of an `or` query; all the terms of an `and` one.
    assert found(pages, "培训会 扶持政策", operator="or") == {"training", "policy"}
    assert found(pages, "培训会 扶持政策") == set()
    # Punctuation alone has no terms: it matches nothing, without an error.
    assert get_search_backend().search("，。！", Page.objects.all()).count() == 0
    # The title alone: 扶持政策 is in a body only.
    assert found(pages, "扶持政策", fields=["title"]) == set()
    assert found(pages, "通知", fields=["title"]) == {"policy"}
    # The word being typed is a prefix in autocomplete (a number is exact in search).
    assert found(pages, "202") == set()
    assert found(pages, "202", method="autocomplete") == {"training"}
