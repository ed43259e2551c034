"""The reading templates (issue 18, item 1): Wagtail's own rendering of an article,
as the admin's preview (the edit form posted to the preview view, then fetched,
as Wagtail's live preview panel does) and as the public HTML route, in the
page's language and script; and the frontend's preview when one is configured
for the page's site and locale."""

import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)
from wagtail.users.models import UserProfile

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsArticleAuthorFactory,
    NewsArticlePageFactory,
    association_news,
    publish,
)

DATE = datetime.date(2026, 3, 5)
TABLE = {
    "data": [["类别", "数量"], ["理事单位", "17"]],
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_header_choice": "row",
}
EMBED = "https://v.qq.com/x/page/m0001.html"
PREVIEW_QUERY = "query($token: String) { page(token: $token) { title } }"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each tag name."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.text, self.open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data):
        for tag in set(self.open):
            self.text.setdefault(tag, []).append(data.strip())

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]

    def texts(self, tag):
        return [t for t in self.text.get(tag, []) if t]


@pytest.fixture
def media(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    big = {"file__width": 1000, "file__height": 600}
    return {
        "cover": ImageFactory(title="培训会现场", description="培训会现场全景", **big),
        "image": ImageFactory(title="照片", **big),
        "document": DocumentFactory(title="培训通知"),
    }


@pytest.fixture
def editor(client, db):
    """A superuser whose admin is in English: the preview must still be in the
    page's language. The embed's oEmbed answer is in Wagtail's embed table, as
    after an editor first added it (the admin checks an embed's URL with its
    provider; the tests never go on the network)."""
    Embed.objects.create(
        url=EMBED, hash=get_embed_hash(EMBED), type="video", html="<p>player</p>"
    )
    user = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


def index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def body(media, texts):
    heading, paragraph, caption, quote, who, link, table = texts
    return [
        ("heading", {"text": heading, "level": "2"}),
        ("paragraph", f"<p>{paragraph}</p>"),
        ("image", {"image": media["image"], "caption": caption, "alt_text": caption}),
        ("quote", {"text": quote, "attribution": who}),
        ("table", {"caption": table, "table": TABLE}),
        ("embed", EmbedValue(EMBED)),
        ("document", {"document": media["document"], "title": link}),
    ]


ZH_HANS = ("一、培训会基本情况", "会议在杭州召开。", "培训会现场", "以党建为引领。",
           "王立安副书记", "下载培训通知", "参会统计")  # fmt: skip
ZH_HANT = ("一、培訓會基本情況", "會議在杭州召開。", "培訓會現場", "以黨建為引領。",
           "王立安副書記", "下載培訓通知", "參會統計")  # fmt: skip
EN = ("1. The training", "The meeting was held in Hangzhou.", "The training",
      "Led by party building.", "Deputy secretary Wang", "Download the notice",
      "Attendance")  # fmt: skip


def article(media, code, title, texts, summary, category, tags, authors, **fields):
    page = NewsArticlePageFactory(
        parent=index(code),
        title=title,
        summary=summary,
        date=DATE,
        cover_image=media["cover"],
        body=body(media, texts),
        categories=[category],
        **fields,
    )
    page.tags.add(*tags)
    for name in authors:
        NewsArticleAuthorFactory(article=page, name=name)
    return publish(page)


def check_article(html, texts, media, lang, words):
    """What a reader must see of an article in every rendering."""
    heading, paragraph, caption, quote, who, link, table = texts
    page = Elements(html)
    assert page.all("html")[0]["lang"] == lang
    assert page.texts("h2")[0] == heading
    assert paragraph in page.texts("p")
    [cover, image] = [img for img in page.all("img") if "srcset" in img]
    assert cover["alt"] == "培训会现场全景"  # the cover image's description
    assert image["alt"] == caption
    assert caption in page.texts("figcaption")
    assert "480w" in image["srcset"] and "800w" in image["srcset"]
    assert quote in page.texts("blockquote") and who in page.texts("cite")
    assert table in page.texts("caption")
    assert page.texts("th")[:2] == ["类别", "数量"]
    assert "17" in page.texts("td")
    links = {a.get("href"): a for a in page.all("a")}
    assert media["document"].url in links
    assert link in page.texts("a")
    assert EMBED in links and "v.qq.com" in " ".join(page.texts("a"))
    for word in words:
        assert word in html, word
    # Nothing loads from another host: no web fonts, CDNs or players.
    for tag, attrs in page.tags:
        for name in ("src", "srcset") + (("href",) if tag == "link" else ()):
            for url in re.split(r"[ ,]+", attrs.get(name) or ""):
                assert not urlparse(url).netloc, (tag, attrs)
    assert "@import" not in html and "<iframe" not in html and "<script" not in html
    return page


@pytest.fixture
def zh_article(media):
    category = association_news()["zh-hans"]
    return article(
        media,
        "zh-hans",
        "协会举办数字化转型培训会",
        ZH_HANS,
        "协会举办培训会，四十家会员企业参加。",
        category,
        ["培训", "数字化转型"],
        ["张三", "李四"],
    )


def test_the_public_route_shows_the_article_as_readers_read_it(
    client, media, zh_article
):
    response = client.get(zh_article.url)
    assert response.status_code == 200
    html = response.content.decode()
    words = ["发布日期", "作者", "标签", "2026年3月5日"]
    page = check_article(html, ZH_HANS, media, "zh-Hans", words)
    assert page.texts("h1") == ["协会举办数字化转型培训会"]
    assert "协会举办培训会，四十家会员企业参加。" in page.texts("p")
    assert "协会动态" in page.texts("span")
    assert {"培训", "数字化转型"} <= set(page.texts("li"))
    assert {"张三", "李四"} <= set(page.texts("span"))
    assert "text / " not in html and "level" not in html
    # The stylesheet is inline: the page needs no static file (nor, in
    # production, collectstatic's manifest) to render.
    assert not [a for a in page.all("link") if a.get("rel") == "stylesheet"]
    assert "font-family" in html


def test_the_zh_hant_edition_is_in_traditional(client, media):
    category = association_news()["zh-hant"]
    page = article(
        media, "zh-hant", "協會舉辦培訓會", ZH_HANT, "協會舉辦培訓會。", category,
        ["培訓"], ["張三"],
    )  # fmt: skip
    html = client.get(page.url).content.decode()
    check_article(html, ZH_HANT, media, "zh-Hant", ["發佈日期", "標籤", "2026年3月5日"])
    assert "发布日期" not in html and "協會動態" in html


def test_an_english_page_has_english_words(client, media):
    category = association_news()["en"]
    page = article(
        media, "en", "Training", EN, "The association held a training.", category,
        ["training"], ["Zhang San"],
    )  # fmt: skip
    html = client.get(page.url).content.decode()
    check_article(html, EN, media, "en", ["Published", "Authors", "March 5, 2026"])
    assert "发布" not in html and "Association news" in html


def preview_url(page):
    return reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])


def live_preview(editor, page, data):
    """Post the edit form to the preview view, then fetch the preview, as
    Wagtail's live preview panel does on each change."""
    posted = editor.post(preview_url(page), nested_form_data(data))
    assert posted.json() == {"is_valid": True, "is_available": True}, posted.content
    return editor.get(preview_url(page))


def article_form(page, media, texts, title, category):
    heading, paragraph, caption, quote, who, link, table = texts
    return {
        "title": title,
        "slug": page.slug,
        "summary": "尚未保存的概要。",
        "cover_image": media["cover"].pk,
        "body": streamfield(
            [
                ("heading", {"text": heading, "level": "2"}),
                ("paragraph", rich_text(f"<p>{paragraph}</p>")),
                (
                    "image",
                    {
                        "image": media["image"].pk,
                        "caption": caption,
                        "alt_text": caption,
                    },
                ),
                ("quote", {"text": quote, "attribution": who}),
                ("table", {"caption": table, "table": json.dumps(TABLE)}),
                ("embed", EMBED),
                ("document", {"document": media["document"].pk, "title": link}),
            ]
        ),
        "date": DATE.isoformat(),
        "categories": [category.pk],
        "tags": "培训,数字化转型",
        "authors": inline_formset([{"name": "王五"}]),
        "source": "协会秘书处",
    }


def test_the_admin_preview_shows_the_edit_form_in_the_pages_language(
    editor, media, zh_article
):
    """Unsaved changes show (the live preview), in Chinese although the
    editor's admin is in English."""
    category = association_news(slug="training")["zh-hans"]
    changed = (*ZH_HANS[:1], "尚未保存的段落。", *ZH_HANS[2:])
    form = article_form(zh_article, media, changed, "尚未保存的标题", category)
    response = live_preview(editor, zh_article, form)
    assert response.status_code == 200
    html = response.content.decode()
    page = check_article(html, changed, media, "zh-Hans", ["发布日期", "2026年3月5日"])
    assert page.texts("h1") == ["尚未保存的标题"]
    assert "尚未保存的概要。" in page.texts("p")
    assert {"培训", "数字化转型"} <= set(page.texts("li"))
    assert "王五" in page.texts("span") and "协会秘书处" in page.texts("dd")
    assert "Published" not in html
    # Nothing was saved.
    assert NewsArticlePage.objects.get(pk=zh_article.pk).title != "尚未保存的标题"


def test_drafts_are_not_on_the_public_route(client, zh_article, media):
    draft = NewsArticlePage.objects.get(pk=zh_article.pk)
    draft.title = "草稿标题"
    draft.summary = "草稿概要"
    draft.save_revision()
    html = client.get(zh_article.url).content.decode()
    assert "协会举办数字化转型培训会" in html
    assert "草稿" not in html
    unpublished = NewsArticlePageFactory(parent=index("zh-hans"), live=False)
    unpublished.save_revision()
    assert client.get(unpublished.url).status_code == 404
    listing = client.get(index("zh-hans").url).content.decode()
    assert "协会举办数字化转型培训会" in listing
    assert unpublished.title not in listing


def test_the_news_index_lists_its_articles_in_a_fixed_number_of_queries(
    client, media, django_assert_max_num_queries
):
    parent = index("zh-hans")

    def add(n):
        for i in range(n):
            page = NewsArticlePageFactory(
                parent=parent, cover_image=media["cover"], summary=f"概要{i}"
            )
            page.categories = [association_news(slug=f"c{i}-{n}")["zh-hans"]]
            page.save()

    add(2)
    client.get(parent.url)  # makes the renditions
    with django_assert_max_num_queries(40) as two:
        html = client.get(parent.url).content.decode()
    allowed = len(two.captured_queries)  # before the log moves on
    assert html.count('class="card"') == 2
    add(6)
    client.get(parent.url)
    with django_assert_max_num_queries(allowed):
        html = client.get(parent.url).content.decode()
    assert html.count('class="card"') == 8
    assert "概要5" in html and "协会动态" in html


@pytest.mark.parametrize(
    ("preview_setting", "frontend"),
    [
        ("en=https://en.example.org/preview?token={token}", False),
        ("zh-hans=https://www.example.org/{locale}/preview?token={token}", True),
        (
            "https://www.example.org/preview?token={token},"
            "localhost/zh-hans=https://zh.example.org/preview?token={token}",
            True,
        ),
        ("https://www.example.org/preview?token={token},localhost/zh-hans=", False),
    ],
)
def test_the_frontend_previews_where_one_is_configured(
    editor, media, zh_article, gql, settings, preview_setting, frontend
):
    """With a frontend preview URL for the page's site (by hostname) and locale,
    each refresh of the live preview sends the frontend a new token that opens
    the form as it is now; without one, the reading template."""
    settings.CMS_PREVIEW_URL = preview_setting
    category = association_news(slug="training")["zh-hans"]
    for title in ("第一次修改", "第二次修改"):
        form = article_form(zh_article, media, ZH_HANS, title, category)
        response = live_preview(editor, zh_article, form)
        if not frontend:
            assert response.status_code == 200
            assert Elements(response.content.decode()).texts("h1") == [title]
            continue
        assert response.status_code == 302
        url = urlparse(response["Location"])
        assert url.netloc.endswith("example.org") and url.netloc != "en.example.org"
        assert "{locale}" not in url.path
        [token] = parse_qs(url.query)["token"]
        assert gql(PREVIEW_QUERY, token=token)["page"]["title"] == title


def test_a_restricted_cover_is_not_shown(client, media, zh_article):
    """The cover follows the rule of the body's images and the API's: an image
    in a restricted collection is not on the public page."""
    secret = Collection.get_first_root_node().add_child(name="内部")
    CollectionViewRestriction.objects.create(
        collection=secret, restriction_type="password", password="zq-secret"
    )
    html = client.get(zh_article.url).content.decode()
    assert 'alt="培训会现场全景"' in html  # the control
    media["cover"].collection = secret
    media["cover"].save()
    html = client.get(zh_article.url).content.decode()
    assert "培训会现场全景" not in html
    assert [img["alt"] for img in Elements(html).all("img")] == [ZH_HANS[2]]
