"""Hand corrections the synchronisation would otherwise lose silently.

An editor corrects a zh-hant segment in wagtail-localize's translation editor
(祕書處 -> 秘書處); it is stored as a manual translation of that source string in
that place (its TranslationContext) and survives every later synchronisation.
When the source sentence itself changes, it is a new string: the correction no
longer applies and the sync converts the new string with OpenCC. The edition
stays complete, but the sync flags the segment (`ReviewFlag`) so editors see
the old correction beside the proposal, until one of them translates the new
string by hand (`resolve_translated`) or accepts the proposal (the admin view).

Which correction a new string replaces: a manual translation in the same
context whose string is no longer a segment there, and that no flag has taken
up yet. A context usually holds one segment; a rich text field holds one per
paragraph, and there the corrections are paired with the new strings by
similarity of their source texts.
"""

from difflib import SequenceMatcher

from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail_localize.models import StringSegment, StringTranslation

from .models import ReviewFlag


def open_flags(**conditions):
    return ReviewFlag.objects.filter(resolved_at__isnull=True, **conditions)


def flag_lost_corrections(translation, segments, converted):
    """Called by the sync after converting the `converted` segments ({segment:
    proposed text}) of the translation's source (`segments`, all of them).
    A constant number of queries, however many segments are flagged."""
    # An open flag whose new string left the source again has nothing to review;
    # dropping it frees its correction for the string that took its place.
    current = StringSegment.objects.filter(
        source=translation.source_id,
        string=OuterRef("string"),
        context=OuterRef("context"),
    )
    open_flags(translation=translation).exclude(Exists(current)).delete()
    if not converted:
        return
    in_place = {(s.string_id, s.context_id) for s in segments}
    lost = {}
    for correction in (
        StringTranslation.objects.filter(
            context__in={s.context_id for s in converted},
            locale=translation.target_locale_id,
            translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
        )
        .exclude(Exists(ReviewFlag.objects.filter(correction=OuterRef("pk"))))
        .select_related("translation_of")
    ):
        if (correction.translation_of_id, correction.context_id) not in in_place:
            lost.setdefault(correction.context_id, []).append(correction)
    pairs = sorted(
        (
            (similarity(correction, segment), segment, correction)
            for segment in converted
            for correction in lost.get(segment.context_id, ())
        ),
        key=lambda pair: pair[0],
        reverse=True,
    )
    flags, paired = [], set()
    for _similarity, segment, correction in pairs:
        if segment in paired or correction in paired:
            continue
        paired.update((segment, correction))
        flags.append(
            ReviewFlag(
                translation=translation,
                context_id=segment.context_id,
                string_id=segment.string_id,
                correction=correction,
                old_source=correction.translation_of.data,
                old_correction=correction.data,
                new_source=segment.string.data,
                proposed=converted[segment],
            )
        )
    ReviewFlag.objects.bulk_create(flags)


def similarity(correction, segment):
    """How alike the corrected source and the new one are, 0 to 1."""
    return SequenceMatcher(
        None, correction.translation_of.data, segment.string.data
    ).ratio()


def resolve(flags, user, resolution):
    """Mark `flags` (a queryset) resolved; returns how many were open."""
    return flags.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user, resolution=resolution
    )


def resolve_translated(sender, instance, raw=False, **kwargs):
    """post_save of a StringTranslation: a manual translation of a flagged new
    string (the translation editor's save, a PO upload) resolves its flag."""
    if raw or instance.translation_type != StringTranslation.TRANSLATION_TYPE_MANUAL:
        return
    resolve(
        ReviewFlag.objects.filter(
            string=instance.translation_of_id,
            context=instance.context_id,
            translation__target_locale=instance.locale_id,
        ),
        instance.last_translated_by,
        ReviewFlag.TRANSLATED,
    )
