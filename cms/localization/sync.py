"""Keeping translations in step with their source.

wagtail-localize freezes a source's content in a TranslationSource when it is first
submitted for translation and refreshes it only when an editor asks ("Sync translated
pages"). Here two things happen on every publication of a page or save of a
translatable snippet:

- `refresh_source`: if the object is the source of translations and its content
  changed, its TranslationSource is refreshed, so translators see the new segments
  at once and the status (`out_of_date`) tells frontends which editions lag behind.
- `sync_traditional`: a zh-hans source's zh-hant edition is rebuilt through the
  machine translator (OpenCC) and published. Only segments without a translation
  are converted: a segment an editor corrected by hand keeps its text (it is stored
  as a manual translation, which is how the editor marks it as overridden); when
  the source sentence of a corrected segment changes, the new one is converted
  and flagged for review (cms.localization.review). A zh-hant edition that
  editors made on their own (no wagtail-localize translation behind it) and one
  whose synchronisation an editor stopped are left alone.
  What wagtail-localize copies as it is rather than as segments (authors, table
  cells, alt texts in rich text) is converted too, by `convert_verbatim` as the
  edition is saved (cms.localization.verbatim).
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from modelcluster.models import ClusterableModel, get_serializable_data_for_fields
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationLog,
    TranslationSource,
)

from cms.content.visibility import visible_q

from . import review, verbatim
from .translators import SIMPLIFIED, TRADITIONAL

# Fields that change without any change of what translators translate: the
# bookkeeping of publication, locking and the page tree (a new child changes
# numchild), and comments.
BOOKKEEPING_FIELDS = {
    "draft_title",
    "first_published_at",
    "has_unpublished_changes",
    "last_published_at",
    "latest_revision",
    "latest_revision_created_at",
    "live",
    "live_revision",
    "expired",
    "go_live_at",
    "expire_at",
    "locked",
    "locked_at",
    "locked_by",
    "owner",
    "path",
    "depth",
    "numchild",
    "url_path",
    "wagtail_admin_comments",
}


def content_of(instance):
    """An instance's content serialised as wagtail-localize stores it, without the
    bookkeeping fields a publication changes."""
    if isinstance(instance, ClusterableModel):
        content = instance.to_json()
    else:
        content = json.dumps(
            get_serializable_data_for_fields(instance), cls=DjangoJSONEncoder
        )
    return without_bookkeeping(content)


def without_bookkeeping(content_json):
    content = json.loads(content_json)
    return {k: v for k, v in content.items() if k not in BOOKKEEPING_FIELDS}


def refresh_source(instance):
    """Refresh the object's TranslationSource when its content changed. Returns
    whether it did (False too when the object is the source of no translation)."""
    source = TranslationSource.objects.get_for_instance_or_none(instance)
    if source is None or without_bookkeeping(source.content_json) == content_of(
        instance
    ):
        return False
    source.update_from_db()
    return True


def first_translation(item, **conditions):
    """The first wagtail-localize translation between editions of `item` (same
    translation key) that meets `conditions`, with its source and both locales,
    or None."""
    return (
        Translation.objects.filter(source__object_id=item.translation_key, **conditions)
        .select_related("source__locale", "target_locale")
        .first()
    )


def source_translation(edition):
    """The synchronised translation this object is the target of (the zh-hans
    edition of a zh-hant original, say), or None."""
    return first_translation(edition, target_locale_id=edition.locale_id, enabled=True)


def translation_to_traditional(instance):
    """The translation of `instance` (as the source) into zh-hant, or None."""
    return first_translation(
        instance,
        source__locale_id=instance.locale_id,
        target_locale__language_code=TRADITIONAL,
    )


def machine_translate(translation, translator):
    """Convert every string of the source that has no translation into the target
    locale yet; existing ones (machine or manual) stay as they are. A converted
    string that replaces a hand correction is flagged for review (`review`)."""
    source, locale = translation.source, translation.target_locale
    segments = list(
        StringSegment.objects.filter(source=source)
        .annotate_translation(locale)
        .select_related("string", "context")
    )
    missing = [segment for segment in segments if segment.translation is None]
    values = {segment.string.as_value() for segment in missing}
    converted = translator.translate(source.locale, locale, values) if values else {}
    StringTranslation.objects.bulk_create(
        [
            StringTranslation(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                data=converted[segment.string.as_value()].data,
                translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
                tool_name=translator.display_name,
            )
            for segment in missing
        ],
        ignore_conflicts=True,
    )
    review.flag_lost_corrections(
        translation,
        segments,
        {segment: converted[segment.string.as_value()].data for segment in missing},
    )


def traditional_translation(instance):
    """The wagtail-localize translation that keeps `instance`'s zh-hant edition,
    created when there is no zh-hant edition yet; None when it must be left alone."""
    target = Locale.objects.filter(language_code=TRADITIONAL).first()
    if target is None:
        return None
    translation = translation_to_traditional(instance)
    if translation is None:
        if instance.get_translation_or_none(target) is not None:
            return None  # an edition editors made on their own
        source, _created = TranslationSource.get_or_create_from_instance(instance)
        translation = Translation.objects.create(source=source, target_locale=target)
    return translation if translation.enabled else None


def sync_traditional(instance):
    """Rebuild and publish the zh-hant edition of a zh-hans source, if it has one
    to keep in step (see the module's docstring)."""
    if instance.locale.language_code != SIMPLIFIED or source_translation(instance):
        return
    translator = get_machine_translator()
    if isinstance(instance, Page) and hasattr(translator, "for_site"):
        translator = translator.for_site(instance.get_site())
    translation = translator and traditional_translation(instance)
    if not translation or not translator.can_translate(
        translation.source.locale, translation.target_locale
    ):
        return
    with transaction.atomic(), converting(instance, translation, translator):
        machine_translate(translation, translator)
        translation.save_target(publish=True)


# The edition save_target is building: (translation key, locale id, translate).
_converting = ContextVar("converting", default=None)


@contextmanager
def converting(instance, translation, translator):
    """While the edition of `instance` in the translation's locale is built, its
    save converts its verbatim texts with `translator` (`convert_verbatim`)."""
    source, target = translation.source.locale, translation.target_locale

    def translate(strings):
        return translator.translate(source, target, strings)

    token = _converting.set((instance.translation_key, target.pk, translate))
    try:
        yield
    finally:
        _converting.reset(token)


def convert_verbatim(sender, instance, raw=False, **kwargs):
    """pre_save: wagtail-localize saves the edition it built from the source (and
    then its revision, from the same object); its verbatim texts are converted
    just before, so the saved row and the published revision hold them converted."""
    building = _converting.get()
    if raw or building is None or not isinstance(instance, TranslatableMixin):
        return
    key, locale_id, translate = building
    if instance.translation_key == key and instance.locale_id == locale_id:
        verbatim.convert(instance, translate)


def after_publish(instance):
    """What follows a publication (pages) or a save (snippets): nothing more than
    a comparison when the content did not change and the edition is current."""
    if isinstance(instance, Page):
        instance = instance.specific
    changed = refresh_source(instance)
    if settings.CMS_AUTO_TRADITIONAL and (changed or not has_current_edition(instance)):
        sync_traditional(instance)


def has_current_edition(instance):
    """Whether the zh-hant edition was synchronised after its source last changed."""
    translation = translation_to_traditional(instance)
    if translation is None:
        return False
    synced = last_synced([translation.source_id]).get(
        (translation.source_id, translation.target_locale_id)
    )
    return synced is not None and synced >= translation.source.last_updated_at


def synchronised_translations():
    """The enabled translations that target an edition in the outer query (a page
    or translatable snippet): at most one, from its source."""
    return Translation.objects.filter(
        source__object_id=OuterRef("translation_key"),
        target_locale=OuterRef("locale"),
        enabled=True,
    )


def stale():
    """True, in SQL, for an edition whose source changed after it was last
    synchronised into the edition's locale (what `has_current_edition` asks of
    one edition, for a whole query at once)."""
    synced_since = TranslationLog.objects.filter(
        source=OuterRef("source"),
        locale=OuterRef("target_locale"),
        created_at__gte=OuterRef("source__last_updated_at"),
    )
    return Exists(synchronised_translations().filter(~Exists(synced_since)))


def counted(queryset):
    """COUNT(*) of `queryset` as a scalar subquery (COUNT as a plain function adds
    no GROUP BY, so the subquery gives one row)."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(n=count).values("n")[:1])


def segment_counts():
    """{name: SQL expression} of an edition's string segments (`segments`) and
    of those translated into its locale without error (`translated`), counted
    as wagtail-localize's `Translation.get_progress` counts them; 0 and 0 for
    the source and for editions made by hand. The segments are those of the
    source an enabled translation into the edition's locale follows."""
    segments = StringSegment.objects.filter(
        source__object_id=OuterRef("translation_key"),
        source__translations__target_locale=OuterRef("locale"),
        source__translations__enabled=True,
    )
    translated = StringTranslation.objects.filter(
        translation_of=OuterRef("string"),
        context=OuterRef("context"),
        locale=OuterRef(OuterRef("locale")),
        has_error=False,
    )
    return {
        "segments": counted(segments),
        "translated": counted(segments.filter(Exists(translated))),
    }


def with_edition_status(editions):
    """Editions (pages or translatable snippets) with what `translationStatus`
    (cms.api.status) shows of each, read in their own query:
    `status_segments` and `status_translated` (`segment_counts`),
    `status_out_of_date` (its source changed after the last synchronisation,
    `stale`, or some of its segments are untranslated: readers see those in the
    source's language) and, for pages, `status_visible` (readers may see it:
    cms.content.visibility)."""
    counts = segment_counts()
    editions = editions.annotate(
        status_segments=Coalesce(counts["segments"], 0),
        status_translated=Coalesce(counts["translated"], 0),
    ).annotate(
        status_out_of_date=ExpressionWrapper(
            Q(stale()) | Q(status_translated__lt=F("status_segments")),
            output_field=BooleanField(),
        )
    )
    if issubclass(editions.model, Page):
        visible = ExpressionWrapper(visible_q(), output_field=BooleanField())
        editions = editions.annotate(status_visible=visible)
    return editions


def last_synced(source_ids):
    """{(source id, locale id): time of the last synchronisation} for the sources."""
    logs = (
        TranslationLog.objects.filter(source_id__in=source_ids)
        .values("source_id", "locale_id")
        .annotate(last=Max("created_at"))
    )
    return {(log["source_id"], log["locale_id"]): log["last"] for log in logs}
