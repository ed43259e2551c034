"""Admin: what translators need to be told plainly.

- When a language pair has no machine translator: wagtail-localize simply leaves
  out its "Translate with ..." button, so an editor opening the English edition
  cannot tell a missing service from a broken one. A message says which it is.
- How complete a translated edition is: a line above the translation editor, a
  tag in the page explorer's status column, and a warning when an incomplete
  edition is published (readers see its untranslated segments in the source's
  language). With CMS_REFUSE_INCOMPLETE_TRANSLATIONS publishing one is refused.
- Segments to review: a hand correction the synchronisation could not keep
  because its source sentence changed (cms.localization.review) is shown in
  the translation editor (templates/wagtail_localize/admin/edit_translation.html)
  with an action to accept the proposal (views.py), and counted in the page
  explorer's status column.
- The glossary of Simplified -> Traditional terms, which editors keep as a
  snippet (cms.localization.models.GlossaryTerm).
- Simplified tags saved on a zh-hant original: a warning with their Traditional
  forms.
"""

from django.conf import settings
from django.contrib import messages
from django.db.models import OuterRef
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_localize.machine_translators import get_machine_translator

from .fields import TranslatableTags
from .models import GlossaryTerm
from .review import open_flags
from .sync import counted, segment_counts, source_translation
from .translators import TRADITIONAL, default_variant, to_traditional
from .views import accept_proposal


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


def check_completeness(request, instance):
    """Above the translation editor, how much of an incomplete edition is
    translated; on publishing it, a warning, or with
    CMS_REFUSE_INCOMPLETE_TRANSLATIONS a refusal (a response: the editor again,
    nothing published)."""
    translation = source_translation(instance)
    if translation is None:
        return None
    total, translated = translation.get_progress()
    if translated >= total:
        return None
    numbers = {
        "percent": translated * 100 // total,
        "translated": translated,
        "total": total,
        "untranslated": total - translated,
        "source": translation.source.locale.get_display_name(),
    }
    if request.method == "GET":
        messages.info(
            request,
            _(
                "This translation is %(percent)s%% complete: %(translated)s of "
                "%(total)s segments are translated."
            )
            % numbers,
        )
    elif request.POST.get("action") == "publish":
        if settings.CMS_REFUSE_INCOMPLETE_TRANSLATIONS:
            messages.error(
                request,
                _(
                    "Not published: %(untranslated)s of %(total)s segments are not "
                    "translated yet, and this site publishes complete translations "
                    "only. Translate them, then publish again."
                )
                % numbers,
            )
            return redirect(request.path)
        messages.warning(
            request,
            _(
                "This edition is published %(percent)s%% translated: readers see "
                "%(untranslated)s of %(total)s segments in %(source)s until they "
                "are translated."
            )
            % numbers,
        )
    return None


@hooks.register("before_edit_page", order=-1)
def before_edit_page(request, page):
    warn_without_translator(request, page)
    return check_completeness(request, page)


@hooks.register("before_edit_snippet", order=-1)
def before_edit_snippet(request, instance):
    if hasattr(instance, "translation_key"):
        warn_without_translator(request, instance)
        return check_completeness(request, instance)
    return None


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_simplified_tags(request, page):
    """A zh-hant original (written in the zh-hant tree, or its synchronisation
    stopped) saved with tags in Simplified: each is a tag of its own beside the
    Traditional one (党建 beside 黨建), so the other zh-hant pages' tag is not
    found with it. Saved as typed; a warning gives the Traditional forms."""
    if page.locale.language_code != TRADITIONAL or source_translation(page):
        return
    names = [
        tag.name
        for field in page._meta.many_to_many
        if isinstance(field, TranslatableTags)
        for tag in getattr(page, field.name).all()
    ]
    converted = to_traditional(names, default_variant())
    simplified = [
        f"{name} → {converted[name]}" for name in names if converted[name] != name
    ]
    if simplified:
        messages.warning(
            request,
            _(
                "Tags in Simplified Chinese on a Traditional Chinese page: "
                "%(tags)s. Change them to the Traditional form unless you meant "
                "a Simplified tag."
            )
            % {"tags": ", ".join(simplified)},
        )


@hooks.register("construct_explorer_page_queryset")
def with_completeness(parent_page, pages, request):
    """The explorer's pages with their segment counts (`translation_segments`,
    `translation_translated`) and open review flags (`translation_to_review`),
    read in the listing's own query, for the tags in the status column."""
    counts = segment_counts()
    flags = open_flags(
        translation__source__object_id=OuterRef("translation_key"),
        translation__target_locale=OuterRef("locale"),
    )
    return pages.annotate(
        translation_segments=counts["segments"],
        translation_translated=counts["translated"],
        translation_to_review=counted(flags),
    )


@hooks.register("register_admin_urls")
def review_urls():
    return [
        path(
            "localization/review-flags/<int:flag_id>/accept/",
            accept_proposal,
            name="cms_localization_accept_proposal",
        )
    ]


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "doc-full"
    menu_label = gettext_lazy("Glossary")
    list_display = ["simplified", "traditional", "variant", "note"]
    list_filter = ["variant"]
    search_fields = ["simplified", "traditional", "note"]
    search_backend_name = None  # a few hundred rows: the database's LIKE


register_snippet(GlossaryViewSet)
