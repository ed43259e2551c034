"""The glossary editors keep (issue 18, item 3): terms applied before OpenCC in
every Simplified -> Traditional conversion."""

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.strings import StringValue

from cms.localization.models import GlossaryTerm
from cms.localization.translators import in_script_of, to_traditional
from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory


def locale(code):
    return Locale.objects.get(language_code=code)


def machine(text):
    """`text` converted by the site's machine translator, as the sync does."""
    value = StringValue(text)
    converted = get_machine_translator().translate(
        locale("zh-hans"), locale("zh-hant"), [value]
    )
    return converted[value].data


def test_opencc_alone_writes_the_old_characters(db):
    assert machine("协会秘书处") == "協會祕書處"


def test_the_zh_hant_edition_follows_the_glossary(db, publish):
    GlossaryTerm.objects.create(
        simplified="秘书处", traditional="秘書處", note="本会用字"
    )
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = publish(
        NewsArticlePageFactory(
            parent=index,
            title="秘书处工作报告",
            summary="协会秘书处了解会员需求",
            live=False,
        )
    )
    hant = page.get_translation(locale("zh-hant")).specific
    assert hant.title == "秘書處工作報告"
    assert hant.summary == "協會秘書處瞭解會員需求"  # OpenCC around the term


def test_a_glossary_change_made_in_the_admin_affects_the_next_conversion(
    admin_client,
):
    assert machine("秘书处了解") == "祕書處瞭解"
    response = admin_client.post(
        reverse("wagtailsnippets_cms_localization_glossaryterm:add"),
        {"simplified": "了解", "traditional": "了解", "variant": "", "note": ""},
    )
    assert response.status_code == 302
    assert machine("秘书处了解") == "祕書處了解"
    GlossaryTerm.objects.filter(simplified="了解").delete()
    assert machine("秘书处了解") == "祕書處瞭解"


def test_longest_terms_first(db):
    GlossaryTerm.objects.create(simplified="发", traditional="髮")
    GlossaryTerm.objects.create(simplified="发展", traditional="發展")
    assert machine("发展头发") == "發展頭髮"
    assert machine("理发") == "理髮"


@pytest.mark.parametrize(
    ("config", "expected"), [("s2t", "軟件"), ("s2tw", "軟體"), ("s2hk", "軟件")]
)
def test_a_variant_term_wins_in_its_variant_only(db, config, expected):
    GlossaryTerm.objects.create(simplified="软件", traditional="軟件")
    GlossaryTerm.objects.create(simplified="软件", traditional="軟體", variant="tw")
    assert to_traditional(["软件"], config) == {"软件": expected}


def test_names_without_editions_follow_the_glossary_too(db):
    GlossaryTerm.objects.create(simplified="秘书处", traditional="秘書處")
    assert in_script_of("浙江秘书处", "zh-hant") == "浙江秘書處"
