"""Everything the automatic zh-hant edition carries is converted (real OpenCC, real
synchronisation), tags are per edition, and `tag:` filters take either script."""

import json

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail_localize.fields import get_translatable_fields
from wagtail_localize.models import StringTranslation, Translation

from cms.localization.translators import converter
from newsroom.models import NewsArticleAuthor, NewsArticlePage, NewsIndexPage
from tests import factories

s2t = converter("s2t").convert


def locale(code):
    return Locale.objects.get(language_code=code)


def strings(value, path=""):
    """(path, text) of every string in a JSON value; strings that hold JSON
    (a StreamField in `to_json`) are walked too."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            pass
    if isinstance(value, dict):
        for key, child in value.items():
            yield from strings(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from strings(child, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def simplified(text):
    """The characters of `text` that OpenCC converts on their own. Each character
    alone: OpenCC's phrases are not stable on Traditional text (報名表 -> 報名錶)."""
    return [char for char in text if s2t(char) != char]


def unconverted(edition):
    """The texts of an edition (its whole content, child rows and tags included)
    that still hold Simplified characters, leaving out the fields the model
    declares synchronised (they must stay as the source has them)."""
    model = type(edition)
    kept = {
        field.field_name
        for field in get_translatable_fields(model)
        if not field.is_translated(edition) and field.is_synchronized(edition)
    }
    content = json.loads(edition.to_json())
    content["tags"] = [tag.name for tag in edition.tags.all()]
    return [
        (path, text)
        for name, value in content.items()
        if name not in kept
        for path, text in strings(value, name)
        if simplified(text)
    ]


@pytest.fixture
def article(db):
    """A zh-hans draft with one block of every body type, a rich-text paragraph
    with a document link and an image's alt text, authors and tags."""
    image = factories.ImageFactory(title="图片")
    document = factories.DocumentFactory(title="文件")
    body = factories.every_block_body("zh-hans", image, document)
    body.append(
        (
            "paragraph",
            f'<p>请<a linktype="document" id="{document.pk}">下载报名表</a></p>'
            f'<p><a linktype="document" id="{document.pk}">会议议程</a></p>'
            f'<embed embedtype="image" id="{image.pk}" format="right" '
            f'alt="&quot;刘晓东&quot;与会员代表"/>',
        )
    )
    page = factories.NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code="zh-hans"),
        title="党建工作会议",
        slug="党建工作会议",
        summary="协会召开党建工作会议",
        source="浙江省经济和信息化厅",
        seo_title="党建会议",
        search_description="会议报道",
        body=body,
        live=False,
    )
    for name in ("刘晓东", "张伟"):
        NewsArticleAuthor.objects.create(article=page, name=name)
    page.tags.add("党建", "经济", "RCEP")
    page.save()
    return page


def traditional(page):
    return page.get_translation(locale("zh-hant")).specific


def test_every_text_of_the_traditional_edition_is_converted(article, publish):
    page = publish(article)
    hant = traditional(page)
    assert unconverted(hant) == []
    # What must stay: ids, links, the embed's URL, the heading level, numbers.
    source_body = page.body.get_prep_value()
    hant_body = hant.body.get_prep_value()
    assert [b["id"] for b in hant_body] == [b["id"] for b in source_body]
    assert hant_body[4] == source_body[4]  # the embed
    table = hant_body[6]["value"]["table"]["data"]
    assert table == [["類別", "數量"], ["理事單位", "17"]]
    assert "劉曉東&quot;與會員代表" in hant_body[7]["value"]
    assert 'linktype="document"' in hant_body[7]["value"]
    assert [a.name for a in hant.authors.all()] == ["劉曉東", "張偉"]
    assert sorted(tag.name for tag in hant.tags.all()) == ["RCEP", "經濟", "黨建"]
    # The source is never touched.
    assert [a.name for a in page.authors.all()] == ["刘晓东", "张伟"]
    assert sorted(tag.name for tag in page.tags.all()) == ["RCEP", "党建", "经济"]
    source_table = page.body.get_prep_value()[6]["value"]["table"]["data"]
    assert source_table[0] == ["类别", "数量"]
    # Tags written alike in both scripts are one tag.
    assert {t.pk for t in page.tags.all()} & {t.pk for t in hant.tags.all()} == {
        page.tags.get(name="RCEP").pk
    }


def test_a_new_synchronisation_converts_again_and_changes_only_what_changed(
    article, publish
):
    page = publish(article)
    hant = traditional(page)
    page.title = "党建工作会议召开"
    blocks = [dict(block) for block in page.body.raw_data]
    blocks[6]["value"]["table"]["data"][1][0] = "常务理事单位"
    page.body = json.dumps(blocks)
    page.tags.remove("经济")
    page.tags.add("发展")
    page = publish(page)
    hant = traditional(page)
    assert unconverted(hant) == []
    assert hant.title == "黨建工作會議召開"
    assert hant.body.get_prep_value()[6]["value"]["table"]["data"][1] == [
        "常務理事單位",
        "17",
    ]
    # The authors, copied and converted once more from the source: no duplicates.
    assert NewsArticleAuthor.objects.filter(article=hant).count() == 2
    assert [a.name for a in hant.authors.all()] == ["劉曉東", "張偉"]
    assert sorted(tag.name for tag in hant.tags.all()) == ["RCEP", "發展", "黨建"]


def test_a_tag_corrected_by_hand_in_zh_hant_keeps_its_text(article, publish):
    page = publish(article)
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale("zh-hant")
    )
    corrected = StringTranslation.objects.get(
        translation_of__data="经济", locale=locale("zh-hant")
    )
    corrected.data = "經貿"
    corrected.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
    corrected.save()
    translation.save_target(publish=True)
    page.title = "党建会议"
    page = publish(page)
    assert sorted(t.name for t in traditional(page).tags.all()) == [
        "RCEP",
        "經貿",
        "黨建",
    ]


def test_english_tags_are_translated_in_the_english_edition(
    article, publish, admin_client, django_capture_on_commit_callbacks
):
    page = publish(article)
    en = locale("en")
    response = admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [en.pk]},
    )
    assert response.status_code == 302
    english = page.get_translation(en)
    # The English edition's editor (wagtail-localize's) offers the tags.
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    assert edit.status_code == 200
    assert "党建" in edit.content.decode()
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=en
    )
    StringTranslation.objects.create(
        translation_of=StringTranslation.objects.get(
            translation_of__data="党建", locale=locale("zh-hant")
        ).translation_of,
        locale=en,
        context=StringTranslation.objects.get(
            translation_of__data="党建", locale=locale("zh-hant")
        ).context,
        data="Party building",
        translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
    )
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    # A later change of the source and its synchronisation keep the English tag.
    page.title = "党建会议"
    page.tags.add("会员")
    page = publish(page)
    with django_capture_on_commit_callbacks(execute=True):
        translation.source.refresh_from_db()
        translation.save_target(publish=True)
    english = NewsArticlePage.objects.get(pk=english.pk)
    assert "Party building" in {tag.name for tag in english.tags.all()}
    assert "党建" not in {tag.name for tag in english.tags.all()}


ARTICLES_TAGGED = """
query ($tag: String!, $locale: String) {
  newsArticles(tag: $tag, locale: $locale) { totalCount items { title tags { name } } }
}
"""


def test_tag_filters_take_either_script(article, publish, gql):
    page = publish(article)
    other = factories.live_article(title="会员大会", slug="会员大会")
    other.tags.add("黨建")  # written in Traditional on a zh-hans article
    other.save_revision().publish()
    for tag in ("党建", "黨建", "党建"):
        data = gql(ARTICLES_TAGGED, tag=tag, locale="zh-hans")["newsArticles"]
        assert data["totalCount"] == 2
    data = gql(ARTICLES_TAGGED, tag="党建", locale="zh-hant")["newsArticles"]
    assert [item["title"] for item in data["items"]] == [traditional(page).title]
    assert {t["name"] for t in data["items"][0]["tags"]} == {"RCEP", "經濟", "黨建"}
    errors = gql.errors(ARTICLES_TAGGED, tag="无此标签", locale="zh-hant")
    assert "无此标签" in errors[0]


def test_a_tag_filter_costs_the_same_queries_however_many_tags_and_articles(
    publish, gql, django_assert_max_num_queries
):
    def count():
        with django_assert_max_num_queries(1000) as captured:
            gql(ARTICLES_TAGGED, tag="黨建", locale="zh-hans")
        return len(captured)

    first = factories.live_article()
    first.tags.add("党建")
    first.save_revision().publish()
    few = count()
    for n in range(8):
        article = factories.live_article()
        article.tags.add("党建", f"标签{n}")
        article.save_revision().publish()
    assert count() == few


def test_tags_typed_in_the_admin_reach_the_zh_hant_edition_converted(
    admin_client, django_capture_on_commit_callbacks
):
    """Issue 18: tags an editor types in the admin (taggit's comma-separated
    field), on a new article and then on an edit of it, are converted too."""
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    form = {
        "title": "培训会",
        "slug": "培训会",
        "summary": "",
        "body": streamfield([]),
        "authors": inline_formset([]),
        "tags": "培训, 数字化转型",
        "action-publish": "action-publish",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(
                "wagtailadmin_pages:add",
                args=["newsroom", "newsarticlepage", index.pk],
            ),
            nested_form_data(form),
        )
    assert response.status_code == 302
    page = NewsArticlePage.objects.get(slug="培训会")
    hant_tags = sorted(t.name for t in traditional(page).tags.all())
    assert hant_tags == ["培訓", "數字化轉型"]

    form["tags"] = "培训, 数字化转型, 党建"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), nested_form_data(form)
        )
    assert response.status_code == 302
    assert sorted(t.name for t in traditional(page).tags.all()) == [
        "培訓",
        "數字化轉型",
        "黨建",
    ]
