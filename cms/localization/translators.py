"""Machine translation routed by language pair.

wagtail-localize takes one machine translator for the whole site. Its DeepL adapter
maps zh-hans and zh-hant to the same language code ("ZH") and so cannot convert
between the two scripts at all; a character-by-character converter (what the old
site used) leaves artefacts such as 發(fā) and picks the wrong character where one
Simplified character stands for several Traditional ones (发 -> 發/髮, 后 -> 後/后).
Here the two Chinese scripts go through OpenCC, which converts phrase by phrase
(头发 -> 頭髮, 发展 -> 發展), and every other pair goes to the translator named in
OPTIONS["OTHER"], if any. `can_translate` answers for the pair actually asked, so a
sync to several locales never fails because one of them has no translator.
"""

import copy
import re
from functools import cache

import opencc
from django.apps import apps
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.exceptions import ImproperlyConfigured
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

# Each OpenCC Simplified -> Traditional configuration -> the glossary variant
# (cms.localization.models.GlossaryTerm) whose terms it takes besides the terms
# for every variant.
REGION_OF_CONFIG = {"s2t": "", "s2tw": "tw", "s2twp": "tw", "s2hk": "hk"}

# OpenCC configurations: Simplified -> Traditional variant, and the way back.
TRADITIONAL_VARIANTS = {"s2t": "t2s", "s2tw": "tw2s", "s2twp": "tw2sp", "s2hk": "hk2s"}
SIMPLIFIED = "zh-hans"
TRADITIONAL = "zh-hant"


@cache
def converter(config):
    """An OpenCC converter; building one loads its dictionaries, so once each."""
    return opencc.OpenCC(config)


GLOSSARY_CACHE_KEY = "cms-localization-glossary"
# Processes that share no cache with the admin (a worker beside a development
# server's local-memory cache) see a glossary change after this many seconds.
GLOSSARY_CACHE_TIMEOUT = 60


def glossary_terms():
    """[(simplified, traditional, variant)] of the editors' glossary, from the
    shared cache (dropped whenever a term changes: `forget_glossary`)."""

    def load():
        # Looked up here, not imported: cms.search.text imports this module
        # while the apps load (the search backend's app config).
        glossary = apps.get_model("cms_localization", "GlossaryTerm")
        terms = glossary.objects.values_list("simplified", "traditional", "variant")
        return list(terms)

    return shared_cache.get_or_set(
        GLOSSARY_CACHE_KEY, load, timeout=GLOSSARY_CACHE_TIMEOUT
    )


def forget_glossary(**kwargs):
    shared_cache.delete(GLOSSARY_CACHE_KEY)


def glossary_for(config):
    """{simplified: traditional} for an OpenCC configuration: the terms for every
    variant, then those of the configuration's own variant over them."""
    region = REGION_OF_CONFIG.get(config)
    if region is None:
        return {}
    terms = glossary_terms()
    found = {s: t for s, t, variant in terms if not variant}
    if region:
        found.update({s: t for s, t, variant in terms if variant == region})
    return found


@cache
def glossary_pattern(terms):
    # Longest first: 秘书处 wins over 秘书 where both are terms.
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)))


def to_traditional(texts, config):
    """{text: the text in Traditional Chinese} with OpenCC configuration `config`
    (s2t, s2tw, s2twp or s2hk), the editors' glossary (cms.localization.models
    GlossaryTerm) applied first: a glossary term is written as the glossary
    says and OpenCC converts what lies between. Every Simplified -> Traditional
    conversion goes through here, so a glossary change affects the next one."""
    convert = converter(config).convert
    terms = glossary_for(config)
    if not terms:
        return {text: convert(text) for text in texts}
    pattern = glossary_pattern(frozenset(terms))

    def converted(text):
        pieces, last = [], 0
        for match in pattern.finditer(text):
            pieces += [convert(text[last : match.start()]), terms[match.group()]]
            last = match.end()
        return "".join(pieces) + convert(text[last:])

    return {text: converted(text) for text in texts}


def chinese_config(source_code, target_code, variant):
    """The OpenCC configuration for a pair of language codes, or None when the
    pair is not Simplified <-> Traditional Chinese."""
    pair = (source_code.lower(), target_code.lower())
    if pair == (SIMPLIFIED, TRADITIONAL):
        return variant
    if pair == (TRADITIONAL, SIMPLIFIED):
        return TRADITIONAL_VARIANTS[variant]
    return None


def parse_variants(text):
    """(default variant, {site hostname: variant}) from TRADITIONAL_VARIANT's
    text: comma-separated entries, a variant (the default) or `hostname=variant`
    (that site's zh-hant editions), e.g. `s2t, tw.example.org=s2twp`."""
    default, by_site = "s2t", {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        host, _, variant = entry.rpartition("=")
        if variant.strip() not in TRADITIONAL_VARIANTS:
            raise ImproperlyConfigured(
                f"TRADITIONAL_VARIANT: {entry!r} is not one of "
                f"{', '.join(TRADITIONAL_VARIANTS)}, or `hostname=` one of them."
            )
        if host:
            by_site[host.strip().lower()] = variant.strip()
        else:
            default = variant.strip()
    return default, by_site


def default_variant():
    options = settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR["OPTIONS"]
    return parse_variants(options.get("TRADITIONAL_VARIANT", "s2t"))[0]


def in_script_of(text, language_code):
    """Simplified Chinese `text` as the zh-hant edition writes it (converted with
    the default variant, as snippets' editions are), else as it is: for texts
    that have no editions, such as a member company's registered name."""
    if language_code.lower() != TRADITIONAL:
        return text
    return to_traditional([text], default_variant())[text]


class LanguagePairTranslator(BaseMachineTranslator):
    """OpenCC between the Chinese scripts, OPTIONS["OTHER"] for everything else.

    OPTIONS: TRADITIONAL_VARIANT (s2t, s2tw, s2twp or s2hk, or one per site:
    `parse_variants`) and OTHER (None or a wagtail-localize translator setting:
    {"CLASS": ..., "OPTIONS": {...}}).
    """

    def __init__(self, options):
        super().__init__(options)
        self.variant, self.site_variants = parse_variants(
            options.get("TRADITIONAL_VARIANT", "s2t")
        )
        other = options.get("OTHER")
        self.other = None
        if other:
            from django.utils.module_loading import import_string

            self.other = import_string(other["CLASS"])(other.get("OPTIONS", {}))

    def for_site(self, site):
        """This translator with the Traditional variant of `site` (a Wagtail
        Site, or None: the default); the synchronisation converts a page's
        edition with its site's variant."""
        variant = self.site_variants.get(site.hostname.lower()) if site else None
        if variant is None or variant == self.variant:
            return self
        translator = copy.copy(self)
        translator.variant = variant
        return translator

    @property
    def display_name(self):
        if self.other is None:
            return "OpenCC"
        return f"OpenCC / {self.other.display_name}"

    def config_for(self, source_locale, target_locale):
        return chinese_config(
            source_locale.language_code, target_locale.language_code, self.variant
        )

    def can_translate(self, source_locale, target_locale):
        if self.config_for(source_locale, target_locale):
            return True
        if self.other is None or source_locale.pk == target_locale.pk:
            return False
        return self.other.can_translate(source_locale, target_locale)

    def translate(self, source_locale, target_locale, strings):
        config = self.config_for(source_locale, target_locale)
        if config is None:
            if not self.can_translate(source_locale, target_locale):
                raise ValueError(
                    f"No machine translator for {source_locale.language_code} -> "
                    f"{target_locale.language_code}."
                )
            return self.other.translate(source_locale, target_locale, strings)
        # The markup in a segment (<a id="a1">, <b>, entities) is ASCII, which
        # OpenCC and the glossary's Chinese terms leave as it is.
        if config in TRADITIONAL_VARIANTS:
            converted = to_traditional({string.data for string in strings}, config)
        else:
            convert = converter(config).convert
            converted = {string.data: convert(string.data) for string in strings}
        return {string: StringValue(converted[string.data]) for string in strings}
