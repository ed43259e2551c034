"""What each searchable model puts in the index and how its results come back.

An app describes a model by a `Document` subclass in its `search.py`, registered
with `@register`; `cms.search` finds those modules at start-up. The index, its
signal handlers, the rebuild command and the GraphQL `search` field work from this
registry only, so a new searchable type is one class in the app that owns it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.module_loading import autodiscover_modules

from .models import SearchEntry, Suggestion, item_key
from .text import grams, index_terms, suggestion_text

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
    (categories, tags, regions) weigh like the summary but are not shown. `date`
    (a news article's publication date) ranks the newer of two suggestions first.
    `shown`: the title as the locale's readers see it (a suggestion's text), when
    the title searched is not (a company's, in its locale's script and without its
    name in the other language)."""

    title: str
    summary: str = ""
    body: str = ""
    labels: tuple = ()
    date: datetime.date | None = None
    shown: str | None = None


class Document:
    """How one model is searched. Subclasses set `model` and `kinds` (kind: its
    description) and write `texts` and `results`."""

    model = None
    kinds = {}
    # Other models whose changes change this model's texts: model -> function of
    # a changed instance giving a queryset of this model's rows to index again.
    watches = {}
    # How high this model's titles rank among suggestions that match alike.
    suggestion_weight = 1

    def indexable(self):
        """The objects that belong in the index (loaded afresh, never a form's
        unsaved instance)."""
        return self.model._default_manager.all()

    def visible(self):
        """The objects an anonymous reader may see right now (a queryset): by
        default those that belong in the index. Checked at query time, so
        changes that save nothing (a page's view restrictions) count at once,
        and an object deleted or withdrawn is not found in the seconds before
        the worker takes its entry out."""
        return self.indexable()

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
        """The index entry, with its `suggestion` (saved beside it by
        `index.update`)."""
        label = self.model._meta.label_lower
        entry = SearchEntry(
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
        text = suggestion_text(texts.title)[: Suggestion.MAX_TEXT]
        entry.suggestion = Suggestion(
            kind=entry.kind,
            model=label,
            object_id=obj.pk,
            locale_id=locale_id,
            translation_key=entry.translation_key,
            title=texts.shown or texts.title,
            text=text,
            grams=grams(text),
            weight=self.suggestion_weight,
            date=texts.date,
        )
        return entry

    def graphql_types(self):
        """The GraphQL types `results` gives."""
        raise NotImplementedError

    def results(self, request, entries, fields):
        """The GraphQL items for `entries` (all of this model), in their order, each
        shown in its entry's locale; a fixed number of queries however many.
        `fields`: the names (of the model's graphql_fields) the query asks of
        them, so that what no field shows need not be loaded."""
        raise NotImplementedError


def only_visible(rows, kinds_wanted):
    """The rows of `rows` (entries or suggestions, of `kinds_wanted`) whose
    objects an anonymous reader may see now: each document's `visible`, asked
    row by row (EXISTS on the object's primary key), so that a query that stops
    after a few rows asks a few times.

    The key is matched as a range of one (>= and <=), not with =: PostgreSQL
    would otherwise plan the EXISTS as a hash of every visible object, built
    before the first row (100,000 pages: ~100 ms), however few rows it then
    needs."""
    documents = {doc for kind, doc in kinds().items() if kind in kinds_wanted}
    one = {"pk__gte": OuterRef("object_id"), "pk__lte": OuterRef("object_id")}
    for document in documents:
        label = document.model._meta.label_lower
        shown = document.visible().filter(**one)
        rows = rows.filter(~Q(model=label) | Exists(shown))
    return rows
