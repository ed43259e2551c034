"""The demo site: what it holds, and that loading it again changes nothing.

The only tests (with tests/test_make_run.py) that load the demo: `demo_site`
loads it once for the module, in a transaction rolled back after.
"""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from wagtail.models import Page, PageLogEntry, Revision, Site, WorkflowPage
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

from cms.search.models import SearchEntry
from demo import site as demo
from demo.site import LEGACY_ARTICLE
from home.models import HomePage
from home.roles import EDITORS, NEWS_WORKFLOW
from newsroom.legacy import DAMAGE
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import OrganisationIndexPage


@pytest.fixture(scope="module", autouse=True)
def demo_site(django_db_setup, django_db_blocker):
    """The demo site for one module, loaded as `make run` loads it into a new
    database (the skeleton's pages and site removed first, what waits for the
    commit run at once), in a transaction rolled back after the module. For the
    tests of the demo itself (tests/home/test_demo.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        Page.objects.filter(depth=2).delete()
        Site.objects.all().delete()
        with TestCase.captureOnCommitCallbacks(execute=True):
            demo.load()
        yield
        transaction.set_rollback(True)


def database_dump():
    out = StringIO()
    call_command("dumpdata", stdout=out, exclude=["sessions"])
    return out.getvalue()


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    # The module fixture loaded it once already; a second and third run must not
    # add, re-publish or edit anything.
    before = database_dump()
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert Revision.objects.count() == revisions
    assert database_dump() == before


@pytest.mark.django_db
def test_loading_the_demo_over_an_empty_search_index_builds_it():
    # A database whose content is older than the project's search index.
    SearchEntry.objects.all().delete()
    call_command("load_demo", stdout=StringIO())
    articles = SearchEntry.objects.filter(model="newsroom.newsarticlepage")
    assert sorted(articles.values_list("locale__language_code", flat=True)) == [
        "en",
        "zh-hans",
        "zh-hant",
    ]


@pytest.mark.django_db
def test_reloading_after_editors_changes_creates_no_duplicates():
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    news.slug = "xinwen"
    news.save_revision().publish()
    article = NewsArticlePage.objects.get(locale__language_code="zh-hant")
    article.slug = "dang-jian"
    article.save_revision().publish()
    revisions = Revision.objects.count()
    site = Site.objects.get(is_default_site=True)
    site.root_page = HomePage.objects.get(locale__language_code="en")
    site.save()
    call_command("load_demo", stdout=StringIO())
    assert NewsIndexPage.objects.count() == 3
    assert NewsArticlePage.objects.count() == 3
    assert Revision.objects.count() == revisions
    assert Site.objects.get(is_default_site=True).root_page.locale.language_code == "en"


@pytest.mark.django_db
def test_a_deleted_demo_page_comes_back_as_the_same_translation():
    HomePage.objects.get(locale__language_code="zh-hans").delete()
    call_command("load_demo", stdout=StringIO())
    homes = HomePage.objects.all()
    assert sorted(h.locale.language_code for h in homes) == ["en", "zh-hans", "zh-hant"]
    assert len({h.translation_key for h in homes}) == 1
    assert NewsIndexPage.objects.count() == 3
    assert len({p.translation_key for p in NewsIndexPage.objects.all()}) == 1
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == homes.get(locale__language_code="zh-hans")


@pytest.mark.django_db
def test_demo_has_one_home_per_locale_with_both_sections():
    for model in (HomePage, NewsIndexPage, OrganisationIndexPage):
        pages = model.objects.live()
        assert sorted(p.locale.language_code for p in pages) == [
            "en",
            "zh-hans",
            "zh-hant",
        ]
        assert len({p.translation_key for p in pages}) == 1, model
    for home in HomePage.objects.all():
        children = {type(c.specific) for c in home.get_children().live()}
        assert children == {NewsIndexPage, OrganisationIndexPage}


@pytest.mark.django_db
def test_default_site_serves_the_zh_hans_home_and_the_placeholder_is_gone():
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == HomePage.objects.get(
        locale__language_code="zh-hans"
    )
    assert not Page.objects.filter(depth=2, slug="home").exists()
    assert Page.objects.filter(depth=2).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "lang"), [("zh-hans", "zh-Hans"), ("zh-hant", "zh-Hant"), ("en", "en")]
)
def test_wagtail_served_urls_carry_the_language_prefix(client, code, lang):
    response = client.get(f"/{code}/news/")
    assert response.status_code == 200
    # BCP 47's case (zh-Hans), as browsers and screen readers expect it.
    assert f'<html lang="{lang}">' in response.content.decode()
    # A URL without a prefix redirects to the default language's.
    assert client.get("/news/")["Location"] == "/zh-hans/news/"
    # A view's own 404 outside the pages is not redirected.
    assert client.post("/api/news/0/view/").status_code == 404


@pytest.mark.django_db
def test_demo_holds_the_old_sites_article_without_pinyin():
    article = NewsArticlePage.objects.get(locale__language_code="zh-hant")
    assert article.live
    assert article.title == "浙江省經信領域行業黨委相關負責人一行專程來協會指導黨建工作"
    assert str(article.date) == "2021-07-12"
    text = " ".join(str(block.value) for block in article.body)
    assert "協會" in text and "(xié)" not in text
    assert "平臺(中心)" in text  # real parentheses are text
    headings = [b.value["text"] for b in article.body if b.block_type == "heading"]
    assert headings == ["一、協會創新工作情況", "二、落實浙江省經信領域黨建會議精神"]


@pytest.mark.django_db
def test_the_sample_article_in_three_editions():
    """The imported zh-hant original, a zh-hans edition made by the machine
    translator, an English edition translated by a human through a PO file."""
    editions = {
        a.locale.language_code: a
        for a in NewsArticlePage.objects.filter(legacy_id=LEGACY_ARTICLE.name)
    }
    assert set(editions) == {"zh-hans", "zh-hant", "en"}
    assert all(a.live for a in editions.values())
    assert len({a.translation_key for a in editions.values()}) == 1
    original = editions["zh-hant"]
    source = TranslationSource.objects.get(object_id=original.translation_key)
    assert source.locale.language_code == "zh-hant"

    simplified = editions["zh-hans"]
    assert (
        simplified.title == "浙江省经信领域行业党委相关负责人一行专程来协会指导党建工作"
    )
    text = " ".join(str(block.value) for block in simplified.body)
    assert "一、协会创新工作情况" in text
    assert not set("協會發後黨經") & set(text)
    assert [c.name for c in simplified.categories.all()] == ["协会动态"]
    machine = StringTranslation.objects.filter(locale=simplified.locale)
    assert machine.exists()
    assert set(machine.values_list("translation_type", "tool_name")) == {
        ("machine", "OpenCC")
    }

    english = editions["en"]
    assert english.title.startswith("Officials of the Party Committee")
    assert [c.name for c in english.categories.all()] == ["Association news"]
    # One category, its slug the demo's in every edition (not the Traditional
    # name of the imported article's category).
    assert {
        (c.slug, c.translation_key)
        for code in editions
        for c in editions[code].categories.all()
    } == {("association-news", original.categories.get().translation_key)}
    body = " ".join(str(block.value) for block in english.body)
    assert "Cai Zhangsheng" in body
    assert not re.search(r"[\u4e00-\u9fff]", english.title + english.summary)
    manual = StringTranslation.objects.filter(locale=english.locale)
    assert set(manual.values_list("translation_type", flat=True)) == {"manual"}
    # Every segment of the original has its English translation: nothing fell
    # back to the Chinese source.
    untranslated = (
        StringSegment.objects.filter(source=source)
        .annotate_translation(english.locale)
        .filter(translation__isnull=True)
    )
    assert not untranslated.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, name, news, department",
    [
        ("zh-hans", "浙江省中小企业协会", "协会动态", "浙江省经济和信息化厅"),
        ("zh-hant", "浙江省中小企業協會", "協會動態", "浙江省經濟和信息化廳"),
        (
            "en",
            "Zhejiang Small and Medium Enterprises Association",
            "News",
            "Department of Economy and Information Technology of Zhejiang",
        ),
    ],
)
def test_demo_site_settings_and_menus_in_every_locale(
    gql, code, name, news, department
):
    data = gql(
        """query ($locale: String) {
          siteSettings(locale: $locale) { name resolvedLocale }
          header: menu(key: "header", locale: $locale) {
            resolvedLocale items { label url children { url } }
          }
          footer: menu(key: "footer", locale: $locale) { items { label url } }
        }""",
        locale=code,
    )
    assert data["siteSettings"] == {"name": name, "resolvedLocale": code}
    header = data["header"]
    assert header["resolvedLocale"] == code
    assert [i["label"] for i in header["items"]][0] == news
    about = header["items"][1]
    assert about["url"] == f"/{code}/about/"
    assert about["children"] == [{"url": f"/{code}/about/committees/"}]
    assert data["footer"]["items"][1] == {
        "label": department,
        "url": "https://jxt.zj.gov.cn/",
    }


def body_text(page):
    return " ".join(str(block.value) for block in page.body)


@pytest.mark.django_db
def test_the_imported_article_was_corrected_in_a_second_revision():
    """The importer kept the damaged article a draft that needs review; an
    editor's correction is the second revision, and the one published."""
    article = NewsArticlePage.objects.get(
        locale__language_code="zh-hant", legacy_id=LEGACY_ARTICLE.name
    )
    imported, corrected = article.revisions.order_by("created_at", "pk")
    before, after = imported.as_object(), corrected.as_object()
    assert before.needs_review and DAMAGE.search(body_text(before))
    assert "院?!" in body_text(before) and "規?;?" in body_text(before)
    assert not after.needs_review and not DAMAGE.search(body_text(after))
    assert article.live_revision_id == corrected.pk
    assert not article.needs_review and not article.has_unpublished_changes
    live = body_text(article)
    assert "支持 1 所職業院校浙江長征職業技術學院與企業合作" in live
    assert "正規化、優質化、規模化" in live
    history = PageLogEntry.objects.filter(page=article)
    assert set(history.values_list("action", flat=True)) >= {
        "wagtail.edit",
        "wagtail.publish",
    }
    assert history.filter(revision=imported).exists()
    assert history.filter(revision=corrected).exists()
    simplified = NewsArticlePage.objects.get(
        locale__language_code="zh-hans", legacy_id=LEGACY_ARTICLE.name
    )
    assert "职业院校浙江长征职业技术学院" in body_text(simplified)
    assert "规模化" in body_text(simplified)


@pytest.mark.django_db
def test_the_demo_has_the_editorial_groups_and_the_news_workflow():
    for news in NewsIndexPage.objects.all():
        assert WorkflowPage.objects.get(page=news).workflow.name == NEWS_WORKFLOW
    for code, name in EDITORS.items():
        pages = Group.objects.get(name=name).page_permissions.filter(page__depth=2)
        assert {p.page.locale.language_code for p in pages} == {code}
