"""The machine translator: OpenCC between the Chinese scripts, nothing else unless
a service is configured."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Locale, Site
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.strings import StringValue

from cms.localization.translators import LanguagePairTranslator, parse_variants

CODES = ("zh-hans", "zh-hant", "en")


def locales():
    return {loc.language_code: loc for loc in Locale.objects.all()}


def convert(translator, source, target, html):
    value = StringValue(html)
    loc = locales()
    return translator.translate(loc[source], loc[target], [value])[value].data


@pytest.mark.django_db
def test_the_configured_translator_routes_by_pair():
    translator = get_machine_translator()
    assert isinstance(translator, LanguagePairTranslator)
    loc = locales()
    matrix = {
        (a, b): translator.can_translate(loc[a], loc[b]) for a in CODES for b in CODES
    }
    assert matrix == {
        (a, b): {a, b} == {"zh-hans", "zh-hant"} for a in CODES for b in CODES
    }


@pytest.mark.django_db
def test_with_a_service_configured_english_pairs_go_to_it():
    translator = LanguagePairTranslator(
        {
            "TRADITIONAL_VARIANT": "s2t",
            "OTHER": {
                "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator"
            },
        }
    )
    loc = locales()
    matrix = {
        (a, b): translator.can_translate(loc[a], loc[b]) for a in CODES for b in CODES
    }
    assert matrix == {(a, b): a != b for a in CODES for b in CODES}
    # English goes to the service (the dummy reverses words), Chinese to OpenCC.
    assert convert(translator, "zh-hans", "en", "协会 动态") == "动态 协会"
    assert convert(translator, "zh-hans", "zh-hant", "协会动态") == "協會動態"


@pytest.mark.django_db
def test_phrase_level_conversion_without_artefacts():
    translator = get_machine_translator()
    text = "头发和发展；后来的干部；<b>协会</b>动态 &amp; RCEP 2021 年"
    result = convert(translator, "zh-hans", "zh-hant", text)
    assert result == "頭髮和發展；後來的幹部；<b>協會</b>動態 &amp; RCEP 2021 年"
    assert "(" not in result
    back = convert(translator, "zh-hant", "zh-hans", result)
    assert back == text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variant", "expected"),
    [("s2t", "軟件"), ("s2tw", "軟件"), ("s2twp", "軟體"), ("s2hk", "軟件")],
)
def test_the_traditional_variant_comes_from_settings(variant, expected):
    translator = LanguagePairTranslator({"TRADITIONAL_VARIANT": variant})
    assert convert(translator, "zh-hans", "zh-hant", "软件") == expected


def test_an_unknown_variant_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="s2x"):
        LanguagePairTranslator({"TRADITIONAL_VARIANT": "s2x"})


@pytest.mark.django_db
def test_a_pair_without_translator_is_refused_not_guessed():
    translator = get_machine_translator()
    with pytest.raises(ValueError, match="zh-hans -> en"):
        convert(translator, "zh-hans", "en", "协会")


def test_variants_per_site_are_read_from_the_setting():
    assert parse_variants("s2t") == ("s2t", {})
    assert parse_variants(" s2hk , TW.example.org = s2twp,") == (
        "s2hk",
        {"tw.example.org": "s2twp"},
    )
    with pytest.raises(ImproperlyConfigured, match="'tw.example.org=s2x'"):
        parse_variants("s2t,tw.example.org=s2x")


@pytest.mark.django_db
def test_a_site_gets_its_own_variant_and_other_sites_the_default():
    translator = LanguagePairTranslator(
        {"TRADITIONAL_VARIANT": "s2t,tw.example.org=s2twp"}
    )
    taiwan = translator.for_site(Site(hostname="TW.example.org"))
    for which, expected in (
        (taiwan, "軟體資訊"),
        (translator.for_site(Site(hostname="www.example.org")), "軟件信息"),
        (translator.for_site(None), "軟件信息"),
    ):
        assert convert(which, "zh-hans", "zh-hant", "软件信息") == expected
    assert translator.variant == "s2t"
