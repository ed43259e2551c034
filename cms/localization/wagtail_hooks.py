"""Admin: tell translators plainly when a language pair has no machine translator.

wagtail-localize simply leaves out its "Translate with ..." button when the
configured translator cannot do a pair, so an editor opening the English edition
cannot tell a missing service from a broken one. This message says which it is.
"""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail_localize.machine_translators import get_machine_translator

from .sync import source_translation


def warn_without_translator(request, instance):
    if request.method != "GET":
        return
    translation = source_translation(instance)
    if translation is None:
        return
    translator = get_machine_translator()
    source, target = translation.source.locale, translation.target_locale
    if translator is None or not translator.can_translate(source, target):
        messages.warning(
            request,
            _(
                "%(target)s needs a human translator: no machine translation service "
                "is configured for %(source)s to %(target)s. Translate the segments "
                "here or upload a PO file, or configure a service in "
                "WAGTAILLOCALIZE_MACHINE_TRANSLATOR (OPTIONS, OTHER)."
            )
            % {
                "source": source.get_display_name(),
                "target": target.get_display_name(),
            },
        )


@hooks.register("before_edit_page", order=-1)
def before_edit_page(request, page):
    warn_without_translator(request, page)


@hooks.register("before_edit_snippet", order=-1)
def before_edit_snippet(request, instance):
    if hasattr(instance, "translation_key"):
        warn_without_translator(request, instance)
