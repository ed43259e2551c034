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

from functools import cache

import opencc
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

# OpenCC configurations: Simplified -> Traditional variant, and the way back.
TRADITIONAL_VARIANTS = {"s2t": "t2s", "s2tw": "tw2s", "s2twp": "tw2sp", "s2hk": "hk2s"}
SIMPLIFIED = "zh-hans"
TRADITIONAL = "zh-hant"


@cache
def converter(config):
    """An OpenCC converter; building one loads its dictionaries, so once each."""
    return opencc.OpenCC(config)


def chinese_config(source_code, target_code, variant):
    """The OpenCC configuration for a pair of language codes, or None when the
    pair is not Simplified <-> Traditional Chinese."""
    pair = (source_code.lower(), target_code.lower())
    if pair == (SIMPLIFIED, TRADITIONAL):
        return variant
    if pair == (TRADITIONAL, SIMPLIFIED):
        return TRADITIONAL_VARIANTS[variant]
    return None


def in_script_of(text, language_code):
    """Simplified Chinese `text` as the zh-hant edition writes it (converted with
    the site translator's variant, as that edition's texts are), else as it is:
    for texts that have no editions, such as a member company's registered
    name."""
    if language_code.lower() != TRADITIONAL:
        return text
    options = settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR["OPTIONS"]
    return converter(options.get("TRADITIONAL_VARIANT", "s2t")).convert(text)


class LanguagePairTranslator(BaseMachineTranslator):
    """OpenCC between the Chinese scripts, OPTIONS["OTHER"] for everything else.

    OPTIONS: TRADITIONAL_VARIANT (s2t, s2tw, s2twp or s2hk) and OTHER (None or a
    wagtail-localize translator setting: {"CLASS": ..., "OPTIONS": {...}}).
    """

    def __init__(self, options):
        super().__init__(options)
        self.variant = options.get("TRADITIONAL_VARIANT", "s2t")
        if self.variant not in TRADITIONAL_VARIANTS:
            raise ImproperlyConfigured(
                f"TRADITIONAL_VARIANT {self.variant!r} is not one of "
                f"{', '.join(TRADITIONAL_VARIANTS)}."
            )
        other = options.get("OTHER")
        self.other = None
        if other:
            from django.utils.module_loading import import_string

            self.other = import_string(other["CLASS"])(other.get("OPTIONS", {}))

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
        convert = converter(config).convert
        # The markup in a segment (<a id="a1">, <b>, entities) is ASCII, which
        # OpenCC leaves as it is.
        return {string: StringValue(convert(string.data)) for string in strings}
