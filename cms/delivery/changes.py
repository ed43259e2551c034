"""What changed for readers, said once for everything that must follow it.

Three things follow the content readers see: the response cache (its entries
depend on keys, cms.delivery.responses), the CDN (its cached responses carry the
same keys as surrogate keys) and the frontends' webhooks (they revalidate the
pages and listings a change affects). All three learn of changes here, as
`Change`s, and name what a change affects with the same keys, made by the
functions below, which the response cache also uses to say what a response
depended on:

- `page:<id>`, `<app>.<model>:<id>`: one row (a page, a snippet, an image...);
- `tk:<translation key>`: every edition of one piece of content, which a
  response depends on through an edition's translations, alternates, status or a
  fallback (publishing the English edition changes what the Chinese one says
  about its translations);
- `list:<app>.<model>:<language>` and `list:<app>.<model>`: which rows of a
  model exist in a locale and in what order, which a listing, a lookup by slug
  or path that may find something new, or a previous/next link depends on (the
  second for listings that do not name their locale). A page's change touches
  the lists of each concrete model it is (news article, page);
- `search:<language>`, `search`: the search index, which changes on the worker
  after the content (cms.search);
- `all`: what no narrower key describes (privacy, sites, locales): every
  response depends on it.

A change is found from Wagtail's signals: pages when their live content changes
(published, unpublished, moved or published with a new slug, deleted: a draft
changes nothing readers see),
every other content model (snippets, settings, menus, images,
documents, collections, tags, redirects) on save and delete; a moved page's
change holds the keys of every page below it. A page's change also says where
readers reach it (`paths` below its site's root and absolute public `urls`,
before and after a move, the pages below included), worked out when the signal
fires: after the commit a deleted page is gone and a moved one has forgotten
where it was. Each change is handed to the
subscribers once its transaction commits, so a subscriber never acts on a change
that was rolled back, and a reader who starts after the subscriber ran sees the
committed content.
"""

import logging
from dataclasses import dataclass, field, replace
from functools import partial
from urllib.parse import quote

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    Page,
    PageViewRestriction,
    Site,
    TranslatableMixin,
)
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)
from wagtail.snippets.models import get_snippet_models

from cms.content.editions import language_codes
from cms.content.public_urls import locale_base_url, site_path

logger = logging.getLogger(__name__)

ALL = "all"
# Models whose change may alter any response: who may see what, and where.
EVERYTHING = (PageViewRestriction, CollectionViewRestriction, Site, Locale)
# Models that are content, besides pages and snippets (found at `connect`).
OTHER_CONTENT = ("taggit.Tag", "wagtailredirects.Redirect")

SUBSCRIBERS = []


@dataclass(frozen=True)
class Change:
    """One change readers can see: `event` (published, unpublished, moved,
    deleted, saved), the model's label (`newsroom.newsarticlepage`), the row's
    primary key and language code (None for rows without a locale), the keys
    of everything it affects and, for a page, the `paths` below its site's root
    and the public `urls` readers reach it and the pages below it at (a moved
    page's before and after)."""

    event: str
    model: str
    pk: str
    locale: str | None
    keys: frozenset = field(default_factory=frozenset)
    paths: tuple = ()
    urls: tuple = ()


def subscribe(subscriber):
    """Call `subscriber(change)` with each change, once its transaction has
    committed, in the order of the changes."""
    SUBSCRIBERS.append(subscriber)
    return subscriber


def instance_key(obj):
    """The key of one row: `page:<id>` for any page (whatever its specific
    class), else `<app>.<model>:<id>`."""
    if isinstance(obj, Page):
        return f"page:{obj.pk}"
    return f"{obj._meta.label_lower}:{obj.pk}"


def edition_key(obj):
    """The key of every edition of a translatable row, None for other rows."""
    if isinstance(obj, TranslatableMixin) and obj.translation_key:
        return f"tk:{obj.translation_key.hex}"
    return None


def list_key(model, language=None):
    """The key of `model`'s rows in the locale `language` (None: in any)."""
    label = model._meta.concrete_model._meta.label_lower
    return f"list:{label}:{language}" if language else f"list:{label}"


def search_key(language=None):
    return f"search:{language}" if language else "search"


def surrogate(key):
    """`key` as CDNs take it in `Surrogate-Key`/`Cache-Tag` headers and purge
    calls: lower case (Cloudflare's tags ignore case), and nothing but printable
    ASCII without spaces or commas, which separate keys (anything else is
    percent-encoded). The one spelling for the response headers and the purges
    (cms.delivery.cdn), so a purge names exactly what a response carried."""
    return quote(key.lower(), safe=":/._-~@+=")


def list_models(model):
    """The concrete models a row of `model` is a row of (its own and the
    multi-table parents it inherits from: a news article is also a page)."""
    return [
        cls
        for cls in model._meta.concrete_model.__mro__
        if hasattr(cls, "_meta") and not cls._meta.abstract and not cls._meta.proxy
    ]


def language_of(obj, codes=None):
    """The language code of `obj`'s locale, None for a row without one."""
    locale_id = getattr(obj, "locale_id", None)
    return None if locale_id is None else (codes or language_codes()).get(locale_id)


def model_of(obj):
    """The model a row is, for a page its specific one (a page deleted through
    its base `Page` row is still a news article)."""
    if isinstance(obj, Page):
        return obj.specific_class or type(obj)
    return type(obj)


def change_of(obj, event, codes=None):
    """The Change of `obj` (a row as it was saved or deleted)."""
    if isinstance(obj, EVERYTHING):
        return Change(event, obj._meta.label_lower, str(obj.pk), None, {ALL})
    language = language_of(obj, codes)
    keys = {instance_key(obj)}
    if key := edition_key(obj):
        keys.add(key)
    for model in list_models(model_of(obj)):
        keys.add(list_key(model))
        if language:
            keys.add(list_key(model, language))
    label = model_of(obj)._meta.label_lower
    return Change(event, label, str(obj.pk), language, frozenset(keys))


def search_change(language):
    """The Change of the search index in `language` (cms.search says when)."""
    keys = frozenset({search_key(), search_key(language)})
    return Change("indexed", "search", "", language, keys)


# --------------------------------------------------------------- gathering


def deliver(change):
    """Hand `change` to every subscriber; one failing does not stop the others."""
    for subscriber in SUBSCRIBERS:
        try:
            subscriber(change)
        except Exception:
            logger.exception("%s failed on %s.", subscriber.__qualname__, change)


def record(change, using=None):
    """Hand `change` to the subscribers when the current transaction commits (at
    once outside one); nothing if it is rolled back."""
    transaction.on_commit(partial(deliver, change), using=using)


def locations(pages, language, before=None, after=None):
    """{"paths", "urls"} of `pages` in `language`: their paths below their
    site's root and public URLs, for moved pages (Wagtail url_path `before` the
    move, `after` it) the old ones first."""
    paths = []
    for page in pages:
        url_paths = [page.url_path]
        if before is not None and page.url_path.startswith(after):
            url_paths.insert(0, before + page.url_path[len(after) :])
        for url_path in url_paths:
            path = site_path(url_path)
            if path is not None and path not in paths:
                paths.append(path)
    if not paths or not language:
        return {"paths": tuple(paths), "urls": ()}
    base = locale_base_url(language, None)
    return {"paths": tuple(paths), "urls": tuple(base + path for path in paths)}


def on_page(event):
    def receiver(sender, instance, **kwargs):
        change = change_of(instance, event)
        pages = [instance]
        if event == "moved":  # every page below has a new URL too
            below = list(instance.get_descendants().specific(defer=True))
            codes = language_codes()  # once, not a query per page below
            keys = change.keys.union(*(change_of(p, event, codes).keys for p in below))
            change = replace(change, keys=frozenset(keys))
            pages += below
        where = locations(
            pages,
            change.locale,
            kwargs.get("url_path_before"),
            kwargs.get("url_path_after"),
        )
        record(replace(change, **where))

    return receiver


def on_slug_changed(sender, instance, instance_before, **kwargs):
    """A page published with a new slug: it and every page below it have a new
    URL, as after a move (Wagtail sends this after the commit)."""
    on_page("moved")(
        sender,
        instance,
        url_path_before=instance_before.url_path,
        url_path_after=instance.url_path,
    )


def on_row(sender, instance, created=None, **kwargs):
    """The receiver of every model's save and delete: a change when the model is
    content (the set is found at the first save, once every app has registered
    its snippets: wagtail_hooks load after `ready`)."""
    if not CONTENT:
        CONTENT.update(content_models())
    if sender in CONTENT:
        record(change_of(instance, "deleted" if created is None else "saved"))


CONTENT = set()


def content_models():
    """The content models other than pages: snippets (settings and menus are
    snippets too), images, documents, collections, tags, redirects, and
    EVERYTHING."""
    models = {*get_snippet_models(), get_image_model(), get_document_model()}
    models |= {Collection, *EVERYTHING}
    models |= {apps.get_model(label) for label in OTHER_CONTENT}
    return {model for model in models if not issubclass(model, Page)}


def connect():
    uid = "cms-delivery-changes"
    for signal, event in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(on_page(event), weak=False, dispatch_uid=f"{uid}-{event}")
    post_delete.connect(
        on_page("deleted"), sender=Page, weak=False, dispatch_uid=f"{uid}-deleted"
    )
    page_slug_changed.connect(on_slug_changed, dispatch_uid=f"{uid}-slug")
    post_save.connect(on_row, dispatch_uid=f"{uid}-saved")
    post_delete.connect(on_row, dispatch_uid=f"{uid}-deleted-rows")
