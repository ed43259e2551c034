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

Since each edition has its own tags, the admin's tag field completes from the
tags of the edited page's locale (`LocaleTagField`), not from every tag as
Wagtail's does: an editor writing a zh-hant original is offered 黨建, never 党建 or
English tags. The completion itself is cms.search.tags, which matches as search
does (this package cannot import search's normalisation: search builds on it).
"""

from urllib.parse import urlencode

from django.urls import reverse
from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail.admin.forms.tags import TagField
from wagtail.admin.widgets import AdminTagWidget
from wagtail_localize.segments import StringSegmentValue

# The completion view's URL name (cms.search.wagtail_hooks registers it).
LOCALE_TAGS_URL = "cms_locale_tags"


class LocaleTagWidget(AdminTagWidget):
    """Wagtail's tag widget, completing from `autocomplete_url`."""

    autocomplete_url = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-w-tag-url-value"] = self.autocomplete_url
        return context


class LocaleTagField(TagField):
    """The form field of `TranslatableTags`: its widget completes from the tags of
    the form's object's locale (a new page's is its parent's, which Wagtail's
    create view sets before it builds the form). Set as the field is bound to its
    form, so every admin form of such a model gets it with no code of its own."""

    widget = LocaleTagWidget

    def get_bound_field(self, form, field_name):
        meta = form._meta.model._meta
        url = reverse(
            LOCALE_TAGS_URL, args=(meta.app_label, meta.model_name, field_name)
        )
        query = urlencode({"locale": form.instance.locale.language_code})
        self.widget.autocomplete_url = f"{url}?{query}"
        return super().get_bound_field(form, field_name)


class TranslatableTags(ClusterTaggableManager):
    def formfield(self, **kwargs):
        return super().formfield(**{**kwargs, "form_class": LocaleTagField})

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
