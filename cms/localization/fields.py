"""Tags that are translated like text.

wagtail-localize copies a ClusterTaggableManager from the source to every
translation on each synchronisation: the zh-hant edition would show 党建 and an
English editor could not tag in English (the translation editor has no tag field,
and any tag set by hand would be overwritten). Here each tag of the source is a
segment instead, as a heading is: the machine translator converts it for zh-hant
(党建 -> 黨建, a tag of its own; a tag written alike in both scripts stays one
tag), translators translate it for English in the translation editor, and a
translation an editor corrected keeps its text. An untranslated tag falls back to
the source's, as text does.

A model uses `TranslatableTags` instead of `ClusterTaggableManager` and lists the
field in `override_translatable_fields` as a `TranslatableField`; the tag rows
(`tagged_items`) stay synchronised, so a tag removed from the source goes from its
translations too before the translated tags are set.
"""

from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail_localize.segments import StringSegmentValue


class TranslatableTags(ClusterTaggableManager):
    def get_translatable_segments(self, tags):
        # The tag's id names the segment: a tag's translation survives other tags
        # being added or removed.
        return [StringSegmentValue(str(tag.pk), tag.name) for tag in tags]

    def restore_translated_segments(self, tags, segments):
        return list(dict.fromkeys(segment.render_text() for segment in segments))

    def __set__(self, instance, names):
        # wagtail-localize assigns the restored tags; taggit's manager sets them
        # (in memory until the page or snippet is saved).
        getattr(instance, self.name).set(names)
