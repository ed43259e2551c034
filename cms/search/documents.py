"""What each searchable model puts in the index and how its results come back.

An app describes a model by a `Document` subclass in its `search.py`, registered
with `@register`; `cms.search` finds those modules at start-up. The index, its
signal handlers, the rebuild command and the GraphQL `search` field work from this
registry only, so a new searchable type is one class in the app that owns it.
"""

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from .models import SearchEntry, item_key
from .text import index_terms

REGISTRY = {}


def register(document_class):
    REGISTRY[document_class.model] = document_class()
    return document_class


def autodiscover():
    autodiscover_modules("search")


def kinds():
    """Every result kind, with the document that makes it, in registration order."""
    return {kind: doc for doc in REGISTRY.values() for kind in doc.kinds}


@dataclass
class Texts:
    """An object's texts by weight: the title, the summary, the body. `labels`
    (categories, tags, regions) weigh like the summary but are not shown."""

    title: str
    summary: str = ""
    body: str = ""
    labels: tuple = ()


class Document:
    """How one model is searched. Subclasses set `model` and `kinds` (kind: its
    description) and write `texts` and `results`."""

    model = None
    kinds = {}
    # Other models whose changes change this model's texts: model -> function of
    # a changed instance giving a queryset of this model's rows to index again.
    watches = {}

    def indexable(self):
        """The objects that belong in the index (loaded afresh, never a form's
        unsaved instance)."""
        return self.model._default_manager.all()

    def visible(self):
        """The objects an anonymous reader may see right now (a queryset), or None
        when every indexed object may be seen. Checked at query time, so changes
        that save nothing (a page's view restrictions) count at once."""
        return None

    def date(self, obj):
        """When `obj` was published, if that is a date of its own; newer
        results of a very common word are ranked before older ones."""
        return None

    def kind(self, obj):
        return next(iter(self.kinds))

    def texts(self, obj):
        raise NotImplementedError

    def entries(self, objects):
        """The index entries of `objects`: one per object, in its own locale."""
        return [self.entry(obj, obj.locale_id, self.texts(obj)) for obj in objects]

    def entry(self, obj, locale_id, texts):
        label = self.model._meta.label_lower
        return SearchEntry(
            kind=self.kind(obj),
            model=label,
            object_id=obj.pk,
            locale_id=locale_id,
            translation_key=item_key(
                label, obj.pk, getattr(obj, "translation_key", None)
            ),
            date=self.date(obj),
            title=texts.title,
            summary=texts.summary,
            body=texts.body,
            title_terms=index_terms(texts.title),
            summary_terms=index_terms(" ".join([texts.summary, *texts.labels])),
            body_terms=index_terms(texts.body),
        )

    def graphql_types(self):
        """The GraphQL types `results` gives."""
        raise NotImplementedError

    def results(self, request, entries):
        """The GraphQL items for `entries` (all of this model), in their order, each
        shown in its entry's locale; a fixed number of queries however many."""
        raise NotImplementedError
