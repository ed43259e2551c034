"""Where each page type may sit in the tree, and that editors can create them."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from home.models import HomePage
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import OrganisationIndexPage


class PageTreeTests(WagtailPageTestCase):
    def test_parent_and_subpage_types(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {NewsIndexPage, OrganisationIndexPage})
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsArticlePage})
        self.assertAllowedParentPageTypes(NewsArticlePage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsArticlePage, {})
        self.assertAllowedParentPageTypes(OrganisationIndexPage, {HomePage})

    def test_an_editor_can_create_an_article_with_a_chinese_title(self):
        # Logged in without the login form, which django-axes guards.
        self.client.force_login(self.create_superuser("editor"))
        parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
        data = nested_form_data(
            {
                "title": "协会召开会员大会",
                "slug": "协会召开会员大会",
                "summary": "会员大会在杭州召开。",
                "date": "2026-11-20",
                "source": "浙江省中小企业协会秘书处",
                "tags": "会员大会, 杭州",
                "authors": inline_formset([{"name": "宣传部"}]),
                "body": streamfield(
                    [
                        ("heading", {"text": "一、会议议程", "level": "2"}),
                        ("paragraph", rich_text("<p>会议由秘书长主持。</p>")),
                    ]
                ),
            }
        )
        self.assertCanCreate(parent, NewsArticlePage, data)
        article = NewsArticlePage.objects.get(slug="协会召开会员大会")
        self.assertEqual(article.locale.language_code, "zh-hans")
        self.assertEqual(article.body[0].value["text"], "一、会议议程")
        self.assertEqual(sorted(article.tags.names()), ["会员大会", "杭州"])
        self.assertEqual([a.name for a in article.authors.all()], ["宣传部"])
