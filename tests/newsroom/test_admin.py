"""The newsroom in the admin: article list filters, most-read panel, slugs, the
read-only view count."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail.users.models import UserProfile

from newsroom.models import ArticleViewCount, NewsArticlePage, NewsIndexPage
from tests.factories import (
    ArticleViewCountFactory,
    NewsArticlePageFactory,
    NewsCategoryFactory,
    locale,
)


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return client


def index(code="zh-hans"):
    return NewsIndexPage.objects.get(locale__language_code=code)


def listed(client, **params):
    html = client.get("/admin/news_articles/", params).content.decode()
    return html


def test_article_list_filters_by_category_date_and_status(editor):
    notices = NewsCategoryFactory(name="通知公告", slug="notices")
    a = NewsArticlePageFactory(
        parent=index(), title="甲文章", date=datetime.date(2024, 3, 1)
    )
    a.categories = [notices]
    a.save()
    NewsArticlePageFactory(
        parent=index(), title="乙文章", date=datetime.date(2023, 3, 1)
    )
    NewsArticlePageFactory(parent=index(), title="丙草稿", live=False)
    everything = listed(editor)
    assert all(t in everything for t in ("甲文章", "乙文章", "丙草稿"))
    by_category = listed(editor, categories=notices.pk)
    assert "甲文章" in by_category and "乙文章" not in by_category
    by_date = listed(editor, date_from="2024-01-01", date_to="2024-12-31")
    assert "甲文章" in by_date and "乙文章" not in by_date
    drafts = listed(editor, live="false")
    assert "丙草稿" in drafts and "甲文章" not in drafts


def test_article_list_filters_the_articles_that_need_review(editor):
    NewsArticlePageFactory(
        parent=index("zh-hant"), title="待校對", live=False, needs_review=True
    )
    NewsArticlePageFactory(parent=index("zh-hant"), title="已校對")
    flagged = listed(editor, needs_review="true")
    assert "待校對" in flagged and "已校對" not in flagged
    everything = listed(editor)
    assert "待校對" in everything and "已校對" in everything


def test_dashboard_lists_the_most_read_published_articles(editor):
    for title, views, live in (
        ("少读", 3, True),
        ("多读", 90, True),
        ("草稿", 500, False),
    ):
        page = NewsArticlePageFactory(parent=index(), title=title, live=live)
        ArticleViewCount.objects.create(article=page, count=views)
    panel = most_read_panel(editor)
    assert panel.index("多读") < panel.index("少读")
    assert "草稿" not in panel
    assert "90" in panel and "500" not in panel


def test_view_count_is_shown_read_only_in_the_editor(editor):
    article = NewsArticlePageFactory(parent=index("zh-hant"), title="舊文章")
    ArticleViewCountFactory(article=article, count=61)
    html = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert '<p class="view-count">' in html
    assert "61" in html[html.index('<p class="view-count">') :][:80]
    assert 'name="view_count"' not in html


def create(editor, title, slug=""):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "body": streamfield([]),
            "authors": inline_formset([]),
            "tags": "",
        }
    )
    return editor.post(f"/admin/pages/add/newsroom/newsarticlepage/{index().pk}/", data)


def test_slug_from_a_chinese_title_is_unicode_and_never_collides(editor):
    create(editor, "协会召开会员大会")
    create(
        editor, "协会召开会员大会", slug="协会召开会员大会"
    )  # as the admin's JS sends
    slugs = sorted(
        NewsArticlePage.objects.filter(title="协会召开会员大会").values_list(
            "slug", flat=True
        )
    )
    assert slugs == ["协会召开会员大会", "协会召开会员大会-2"]


def test_slug_in_pinyin_when_configured(editor, settings):
    settings.CMS_SLUG_STYLE = "pinyin"
    create(editor, "協會召開2026年會員大會")
    assert NewsArticlePage.objects.filter(
        slug="xie-hui-zhao-kai-2026-nian-hui-yuan-da-hui"
    ).exists()


def test_a_slug_typed_by_the_editor_is_kept(editor, settings):
    settings.CMS_SLUG_STYLE = "pinyin"
    create(editor, "协会召开会员大会", slug="general-assembly")
    assert (
        NewsArticlePage.objects.get(title="协会召开会员大会").slug == "general-assembly"
    )


def test_pages_created_in_code_without_a_slug_get_one(db, settings):
    settings.CMS_SLUG_STYLE = "pinyin"
    page = NewsArticlePage(title="通知公告")
    index().add_child(instance=page)
    assert page.slug == "tong-zhi-gong-gao"
    settings.CMS_SLUG_STYLE = "unicode"
    twin = NewsArticlePage(title="!!!")
    index().add_child(instance=twin)
    assert twin.slug == "page"


def test_admin_list_orders_unread_articles_last_by_views(editor):
    read = NewsArticlePageFactory(parent=index(), title="有人读")
    ArticleViewCount.objects.create(article=read, count=900)
    NewsArticlePageFactory(parent=index(), title="没人读")
    html = listed(editor, ordering="-views")
    assert html.index("有人读") < html.index("没人读")


def test_article_form_offers_only_its_locales_categories(editor):
    NewsCategoryFactory(name="協會動態", slug="news", locale=locale("zh-hant"))
    NewsCategoryFactory(name="简体类别", slug="hans-only")
    html = editor.get(
        f"/admin/pages/add/newsroom/newsarticlepage/{index('zh-hant').pk}/"
    ).content.decode()
    assert "協會動態" in html and "简体类别" not in html


def test_long_and_full_width_titles_still_get_free_slugs(editor, settings):
    create(editor, "２０２６年会员大会", slug="２０２６年会员大会")
    create(editor, "２０２６年会员大会", slug="２０２６年会员大会")
    slugs = set(
        NewsArticlePage.objects.filter(title="２０２６年会员大会").values_list(
            "slug", flat=True
        )
    )
    assert slugs == {"2026年会员大会", "2026年会员大会-2"}
    settings.CMS_SLUG_STYLE = "pinyin"
    create(editor, "浙江省中小企业协会" * 8)
    [long] = NewsArticlePage.objects.filter(title="浙江省中小企业协会" * 8)
    assert len(long.slug) <= 255 and long.slug.startswith("zhe-jiang-sheng")


def most_read_panel(client):
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="most-read-articles-section"') :]
    return panel[: panel.index("</section>")]


def admin_user(username, language, **fields):
    user = get_user_model().objects.create_user(username, password="pw", **fields)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def read_article(code, title, views):
    article = NewsArticlePageFactory(parent=index(code), title=title)
    ArticleViewCount.objects.create(article=article, count=views)
    return article


def test_most_read_panel_shows_a_reviewer_only_her_locales_articles(
    client, db, django_assert_max_num_queries
):
    """A reviewer whose group may edit only the zh-hans tree does not see the
    zh-hant article readers open most (she could not open it), and the panel's
    queries do not grow with the articles shown."""
    group = Group.objects.create(name="简体审核")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    home = index("zh-hans").get_parent()
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=home, permission=Permission.objects.get(codename=codename)
        )
    reviewer = admin_user("reviewer", "zh-hans")
    reviewer.groups.add(group)
    client.force_login(reviewer)
    read_article("zh-hant", "繁體熱門", 900)
    read_article("zh-hans", "简体文章", 5)
    panel = most_read_panel(client)
    assert "简体文章" in panel
    assert "繁體熱門" not in panel
    with django_assert_max_num_queries(60) as few:
        most_read_panel(client)
    for n in range(8):
        read_article("zh-hans", f"简体{n}", n + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        panel = most_read_panel(client)
    assert "简体7" in panel


@pytest.mark.parametrize(
    "language, first, then",
    [("zh-hant", "繁體少讀", "简体多读"), ("zh-hans", "简体多读", "繁體少讀")],
)
def test_most_read_panel_puts_the_editors_own_locale_first(
    client, db, language, first, then
):
    read_article("zh-hans", "简体多读", 90)
    read_article("zh-hant", "繁體少讀", 4)
    client.force_login(admin_user("chief", language, is_superuser=True))
    panel = most_read_panel(client)
    assert panel.index(first) < panel.index(then)


def test_categories_are_tick_boxes_and_tags_use_the_tag_widget(editor):
    """Editors pick several categories without ctrl-click, and a picked one is
    saved; tags are typed in Wagtail's tag field (autocomplete, one per entry)."""
    first = NewsCategoryFactory(name="通知公告", slug="notices")
    second = NewsCategoryFactory(name="协会动态", slug="news")
    article = NewsArticlePageFactory(parent=index(), title="有分类")
    html = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    for category in (first, second):
        assert re.search(
            rf'<input type="checkbox" name="categories" value="{category.pk}"', html
        )
    assert not re.search(r'<select[^>]*name="categories"', html)
    tags = re.search(r'<input[^>]*name="tags"[^>]*>', html).group(0)
    assert 'data-controller="w-tag"' in tags
    data = nested_form_data(
        {
            "title": "有分类",
            "slug": article.slug,
            "summary": "",
            "body": streamfield([]),
            "authors": inline_formset([]),
            "tags": "培训, 数字化转型",
        }
    )
    data["categories"] = [first.pk, second.pk]
    response = editor.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 302
    saved = NewsArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert {c.pk for c in saved.categories.all()} == {first.pk, second.pk}
    assert {t.name for t in saved.tags.all()} == {"培训", "数字化转型"}


@pytest.mark.parametrize(
    "language, shown", [("zh-hans", "2024年3月1日"), ("en", "March 1, 2024")]
)
def test_article_list_shows_the_publication_date_as_a_date(client, db, language, shown):
    """Not as a time ago ("8 小时，38 分钟 之前"): a publication date has no hour."""
    NewsArticlePageFactory(parent=index(), title="三月", date=datetime.date(2024, 3, 1))
    client.force_login(admin_user("dated", language, is_superuser=True))
    html = listed(client)
    cell = html[html.index('<time datetime="2024-03-01">') :]
    assert cell[: cell.index("</td>")].strip().endswith(f"{shown}</time>")
