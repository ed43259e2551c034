"""Site content per locale: `siteSettings` and `menu` over the real endpoint, and
both edited in the zh-hans admin."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, streamfield
from wagtail.users.models import UserProfile

from home.models import Menu, SiteSettings
from newsroom.models import NewsIndexPage
from tests import factories
from tests.factories import MenuFactory, SiteSettingsFactory, menu_item, translation_of

pytestmark = pytest.mark.django_db

CODES = ("zh-hans", "zh-hant", "en")
NAMES = {
    "zh-hans": "浙江省中小企业协会",
    "zh-hant": "浙江省中小企業協會",
    "en": "Zhejiang SME Association",
}
ADDRESSES = {
    "zh-hans": "杭州市西湖区",
    "zh-hant": "杭州市西湖區",
    "en": "Xihu District, Hangzhou",
}

SETTINGS_QUERY = """
query ($locale: String, $fallback: [String!]) {
  siteSettings(locale: $locale, fallback: $fallback) {
    id name address phone email icpNumber publicSecurityNumber publicSecurityUrl
    wechatName weiboUrl resolvedLocale
    logo { id url } wechatQrCode { id url }
    socialLinks { blockType ... on SocialLinkBlock { network url } }
  }
}
"""

MENU_QUERY = """
query ($key: String!, $locale: String, $fallback: [String!]) {
  menu(key: $key, locale: $locale, fallback: $fallback) {
    id key resolvedLocale
    items {
      label url external page { id title locale }
      children {
        label url external page { id title locale }
        children { label url external page { id title locale } }
      }
    }
  }
}
"""


def settings_in_every_locale(**common):
    source = SiteSettingsFactory(
        name=NAMES["zh-hans"], address=ADDRESSES["zh-hans"], **common
    )
    return {
        "zh-hans": source,
        **{
            code: translation_of(
                source, code, name=NAMES[code], address=ADDRESSES[code]
            )
            for code in CODES[1:]
        },
    }


def sections(code):
    """The skeleton's news and about pages in `code`."""
    news = NewsIndexPage.objects.get(locale__language_code=code)
    return news, news.get_parent().get_children().get(slug="about").specific


# ---------------------------------------------------------------- site settings


@pytest.mark.parametrize("code", CODES)
def test_site_settings_in_each_locale(gql, code):
    logo, qr = factories.ImageFactory(), factories.ImageFactory()
    rows = settings_in_every_locale(
        logo=logo,
        wechat_qr_code=qr,
        social_links=[("link", {"network": "抖音", "url": "https://www.douyin.com/x"})],
    )
    data = gql(SETTINGS_QUERY, locale=code)["siteSettings"]
    assert data["id"] == str(rows[code].pk)
    assert data["name"] == NAMES[code]
    assert data["address"] == ADDRESSES[code]
    assert data["resolvedLocale"] == code
    # Synchronised in the translation: the same in every locale.
    assert data["phone"] == "0571-00000000"
    assert data["email"] == "office@example.org"
    assert data["icpNumber"] == "浙ICP备00000000号-1"
    assert data["publicSecurityNumber"] == "浙公网安备 33010000000000号"
    assert data["publicSecurityUrl"].startswith("https://beian.mps.gov.cn/")
    assert data["wechatName"] == "浙江中小企业"
    assert data["weiboUrl"] == "https://weibo.com/example"
    assert data["logo"]["id"] == str(logo.pk) and data["logo"]["url"]
    assert data["wechatQrCode"]["id"] == str(qr.pk)
    assert data["socialLinks"] == [
        {
            "blockType": "SocialLinkBlock",
            "network": "抖音",
            "url": "https://www.douyin.com/x",
        }
    ]


def test_site_settings_ids_differ_per_edition(gql):
    rows = settings_in_every_locale()
    ids = {gql(SETTINGS_QUERY, locale=c)["siteSettings"]["id"] for c in CODES}
    assert ids == {str(rows[c].pk) for c in CODES}


def test_site_settings_fall_back_along_the_chain(gql):
    source = SiteSettingsFactory(name=NAMES["zh-hans"])
    translation_of(source, "zh-hant", name=NAMES["zh-hant"])
    assert gql(SETTINGS_QUERY, locale="en")["siteSettings"] is None
    data = gql(SETTINGS_QUERY, locale="en", fallback=["zh-hant", "zh-hans"])
    assert data["siteSettings"]["name"] == NAMES["zh-hant"]
    assert data["siteSettings"]["resolvedLocale"] == "zh-hant"


def test_site_settings_leave_restricted_images_out(gql):
    private = Collection.get_first_root_node().add_child(name="内部")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    SiteSettingsFactory(logo=factories.ImageFactory(collection=private))
    assert gql(SETTINGS_QUERY)["siteSettings"]["logo"] is None


def test_unknown_locale_is_an_error(gql):
    assert gql.errors(SETTINGS_QUERY, locale="fr") == [
        "Unknown locale 'fr'. This site has: zh-hans, zh-hant, en."
    ]


# ------------------------------------------------------------------------ menus


def header_in(code, pages):
    """A header menu in `code`: news (with two levels below it), about, and an
    external link."""
    news, about = pages
    external = menu_item(url="https://jxt.zj.gov.cn/", label=f"经信厅 {code}")
    return MenuFactory(
        locale=factories.locale(code),
        items=[
            menu_item(
                page=news,
                children=[
                    menu_item(page=about, label=f"关于 {code}", children=[external])
                ],
            ),
            menu_item(page=about),
            external,
        ],
    )


def page_of(page, code, chain=""):
    """A menu item's page as the API gives it; read through a fallback chain, its
    id names the chain (cms.content.editions.edition_id)."""
    return {"id": f"{page.pk}{chain}", "title": page.title, "locale": code}


@pytest.mark.parametrize("code", CODES)
def test_header_menu_in_each_locale(gql, code):
    menus = {c: header_in(c, sections(c)) for c in CODES}
    news, about = sections(code)
    data = gql(MENU_QUERY, key="header", locale=code)["menu"]
    assert data["id"] == str(menus[code].pk)
    assert data["key"] == "header"
    assert data["resolvedLocale"] == code
    link = {
        "label": f"经信厅 {code}",
        "url": "https://jxt.zj.gov.cn/",
        "external": True,
        "page": None,
    }
    assert data["items"] == [
        {
            "label": news.title,
            "url": news.url,
            "external": False,
            "page": page_of(news, code),
            "children": [
                {
                    "label": f"关于 {code}",
                    "url": about.url,
                    "external": False,
                    "page": page_of(about, code),
                    "children": [link],
                }
            ],
        },
        {
            "label": about.title,
            "url": about.url,
            "external": False,
            "page": page_of(about, code),
            "children": [],
        },
        {**link, "children": []},
    ]
    assert news.url.startswith(f"/{code}/")


def test_a_menu_is_per_key(gql):
    news, about = sections("zh-hans")
    MenuFactory(key="footer", items=[menu_item(page=about)])
    assert gql(MENU_QUERY, key="header")["menu"] is None
    footer = gql(MENU_QUERY, key="footer")["menu"]
    assert [i["label"] for i in footer["items"]] == [about.title]


def test_menu_falls_back_and_its_pages_follow_the_requested_locale(gql):
    """English has no header of its own: the zh-hans one is served, each page
    in its English edition where one is live, in zh-hans otherwise."""
    news, about = sections("zh-hans")
    english_news, _english_about = sections("en")
    only_chinese = factories.NewsArticlePageFactory(parent=news, title="仅中文")
    header = MenuFactory(items=[menu_item(page=news), menu_item(page=only_chinese)])
    assert gql(MENU_QUERY, key="header", locale="en")["menu"] is None
    data = gql(MENU_QUERY, key="header", locale="en", fallback=["zh-hans"])["menu"]
    assert data["id"] == f"{header.pk}@en,zh-hans"
    assert data["resolvedLocale"] == "zh-hans"
    assert [i["page"] for i in data["items"]] == [
        page_of(english_news, "en", "@en,zh-hans"),
        page_of(only_chinese, "zh-hans", "@en,zh-hans"),
    ]
    assert data["items"][0]["url"] == english_news.url


def test_a_page_item_uses_the_chain_when_its_edition_is_hidden(gql):
    news, _about = sections("zh-hans")
    english_news, _english_about = sections("en")
    english_news.unpublish()
    MenuFactory(locale=factories.locale("en"), items=[menu_item(page=english_news)])
    alone = gql(MENU_QUERY, key="header", locale="en")["menu"]
    assert alone["items"] == []
    chained = gql(MENU_QUERY, key="header", locale="en", fallback=["zh-hans"])
    assert chained["menu"]["items"][0]["page"] == page_of(
        news, "zh-hans", "@en,zh-hans"
    )


def test_hidden_pages_are_left_out_with_their_sub_items(gql):
    news, about = sections("zh-hans")
    draft = factories.NewsArticlePageFactory(parent=news, title="草稿", live=False)
    private = factories.NewsArticlePageFactory(parent=news, title="内部")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    expired = factories.NewsArticlePageFactory(parent=news, title="过期")
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    MenuFactory(
        items=[
            menu_item(page=draft),
            menu_item(page=private, children=[menu_item(page=about)]),
            menu_item(page=expired),
            menu_item(page=news, children=[menu_item(page=draft)]),
        ]
    )
    data = gql(MENU_QUERY, key="header")["menu"]
    assert [(i["label"], i["children"]) for i in data["items"]] == [(news.title, [])]


def test_unknown_menu_key_is_an_error(gql):
    assert gql.errors(MENU_QUERY, key="sidebar") == [
        "Unknown menu 'sidebar'. Menus: header, footer."
    ]
    _status, body = gql.post(MENU_QUERY, {"key": "sidebar"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_menu_query_count_does_not_grow_with_its_items(client, gql):
    news, about = sections("zh-hans")

    def count(n):
        articles = [
            factories.NewsArticlePageFactory(
                parent=news, title=f"第{i}篇", slug=f"menu-{n}-{i}"
            )
            for i in range(n)
        ]
        Menu.objects.all().delete()
        MenuFactory(
            items=[
                menu_item(
                    page=article,
                    children=[menu_item(page=about, children=[menu_item(page=news)])],
                )
                for article in articles
            ]
            + [menu_item(url="https://example.org/", label="外链")]
        )
        with CaptureQueriesContext(connection) as captured:
            data = gql(MENU_QUERY, key="header", locale="en", fallback=["zh-hans"])
        assert len(data["menu"]["items"]) == n + 1
        return len(captured)

    count(1)  # the first request fills caches the others share (site root paths)
    assert count(2) == count(20)


# ------------------------------------------------------------------------ admin


@pytest.fixture
def editor(client):
    """A superuser whose admin speaks zh-hans, logged in."""
    user = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "zh-hans"
    profile.save()
    client.force_login(user)
    return client


def settings_form(**fields):
    return nested_form_data(
        {
            "name": NAMES["zh-hans"],
            "address": ADDRESSES["zh-hans"],
            "phone": "0571-00000000",
            "email": "office@example.org",
            "icp_number": "浙ICP备00000000号-1",
            "public_security_number": "",
            "public_security_url": "",
            "wechat_name": "浙江中小企业",
            "weibo_url": "",
            "social_links": streamfield(
                [("link", {"network": "抖音", "url": "https://www.douyin.com/x"})]
            ),
            **fields,
        }
    )


def test_site_settings_are_edited_in_the_admin(editor, gql):
    add = reverse("wagtailsnippets_home_sitesettings:add") + "?locale=zh-hans"
    page = editor.get(add)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ICP备案号" in html and "公安备案号" in html  # help texts
    assert "微信公众号" in html  # a label, from the zh_Hans catalog
    response = editor.post(add, settings_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    row = SiteSettings.objects.get(locale__language_code="zh-hans")
    assert gql(SETTINGS_QUERY)["siteSettings"]["icpNumber"] == "浙ICP备00000000号-1"

    edit = reverse("wagtailsnippets_home_sitesettings:edit", args=[row.pk])
    assert editor.get(edit).status_code == 200
    editor.post(edit, settings_form(address="杭州市拱墅区"))
    assert gql(SETTINGS_QUERY)["siteSettings"]["address"] == "杭州市拱墅区"

    # A second row in the same locale is refused with a message, not a 500.
    again = editor.post(add, settings_form())
    assert again.status_code == 200
    assert "此语言区域已有一项" in again.content.decode()
    assert SiteSettings.objects.count() == 1


def list_block(items):
    """Form data of a ListBlock of menu items (Wagtail's list block fields)."""
    data = {"count": str(len(items))}
    for n, value in enumerate(items):
        data[str(n)] = {"value": value, "deleted": "", "order": str(n), "id": ""}
    return data


def test_menus_are_edited_in_the_admin(editor, gql):
    news, about = sections("zh-hans")
    add = reverse("wagtailsnippets_home_menu:add") + "?locale=zh-hans"
    page = editor.get(add)
    assert page.status_code == 200
    assert "菜单项" in page.content.decode()  # the items field, from the catalog
    link = {"page": "", "url": "https://jxt.zj.gov.cn/", "label": "经信厅"}
    form = nested_form_data(
        {
            "key": "header",
            "items": streamfield(
                [
                    (
                        "item",
                        {
                            "page": str(news.pk),
                            "url": "",
                            "label": "",
                            "children": list_block(
                                [
                                    {
                                        "page": str(about.pk),
                                        "url": "",
                                        "label": "关于",
                                        "children": list_block([link]),
                                    }
                                ]
                            ),
                        },
                    ),
                    ("item", {**link, "children": list_block([])}),
                ]
            ),
        }
    )
    response = editor.post(add, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    items = gql(MENU_QUERY, key="header")["menu"]["items"]
    assert [i["label"] for i in items] == [news.title, "经信厅"]
    assert items[0]["children"][0]["label"] == "关于"
    assert items[0]["children"][0]["children"][0]["url"] == "https://jxt.zj.gov.cn/"

    menu = Menu.objects.get()
    edit = reverse("wagtailsnippets_home_menu:edit", args=[menu.pk])
    assert editor.get(edit).status_code == 200

    # An item with neither a page nor a link is refused, with the reason.
    empty = {"page": "", "url": "", "label": "空", "children": list_block([])}
    bad = nested_form_data({"key": "footer", "items": streamfield([("item", empty)])})
    refused = editor.post(add, bad)
    assert refused.status_code == 200
    # The stream's errors reach the page as JSON for its script.
    message = json.dumps("请选择一个页面或输入一个外部链接")[1:-1]
    assert message in refused.content.decode()
    assert not Menu.objects.filter(key="footer").exists()
