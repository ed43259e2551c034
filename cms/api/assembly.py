"""The GraphQL schema, put together in one place.

Grapple builds its Query and Mutation classes from the mixins that
`register_schema_query` and `register_schema_mutation` hooks put in lists. The two
hooks of this module (registered in cms.api.wagtail_hooks, after grapple's) are
the only ones that touch those lists:

- grapple's mixins we replace or drop (`replace`): its locale-blind `pages`, its
  `redirects` (also to hidden pages), its `snippets` (every row of every snippet
  model at once, mixing locales), its `images` and `documents` (whose
  `searchQuery` always failed; cms.api.media), and what apps replace (search,
  tags). They are
  found by module and resolver, so a grapple upgrade that renames one fails at
  start-up instead of silently serving grapple's again;
- the project's root fields: the mixins apps declare with `root_query` and
  `root_mutation` in their `schema.py` (autodiscovered here);
- grapple's model types get the fields of cms.api.extensions and lose the tree's
  bookkeeping (cms.api.bookkeeping); block types get `jsonValue` and every
  exposed StreamField a typed `<name>Blocks` (cms.api.blocks).

`verify` then checks that every type and field the middleware and allowlists name
exists in the built schema (cms.urls runs it when the endpoint is made).
"""

import graphene
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules
from grapple.registry import registry
from grapple.types.collections import CollectionObjectType
from grapple.types.redirects import RedirectsQuery

from cms.content.visibility import visible_pages

from . import extensions
from .blocks import (
    EMBED_BLOCK,
    GENERIC_BLOCK,
    STREAM_FIELD_INTERFACE,
    add_json_value,
    stream_fields,
)
from .bookkeeping import PUBLIC_VALUES, TREE_FIELDS
from .limits import PER_PAGE_QUERY_FIELDS
from .media import public_media_query
from .orders import ORDERS
from .pages import LocalePagesQuery
from .renditions import IMAGE_TYPE, RENDITION_FIELDS, ImageFiltersQuery
from .seo import PublicUrlsQuery
from .visibility import GRAPPLE_PAGE_FIELDS

QUERIES = []
MUTATIONS = []
# (grapple module, resolver) -> a function of grapple's mixin giving ours, or None
# to drop the field.
REPLACEMENTS = {}


def root_query(mixin):
    """Class decorator: `mixin`'s fields are root query fields."""
    QUERIES.append(mixin)
    return mixin


def root_mutation(mixin):
    """Class decorator: `mixin`'s fields are root mutation fields."""
    MUTATIONS.append(mixin)
    return mixin


def replace(module, resolver):
    """Decorator of a function that, given grapple's query mixin from `module`
    that defines `resolver`, returns the mixin to use instead (None: none)."""

    def register(make):
        REPLACEMENTS[(module, resolver)] = make
        return make

    return register


def grapple_mixin_position(query_mixins, module, resolver):
    """The index of grapple's mixin from `module` that defines `resolver`."""
    positions = [
        i
        for i, mixin in enumerate(query_mixins)
        if mixin.__module__ == module and resolver in vars(mixin)
    ]
    if len(positions) != 1:
        raise ImproperlyConfigured(
            f"cms.api expected exactly one grapple query mixin from {module}, "
            f"found {len(positions)}; check the installed wagtail-grapple version."
        )
    return positions[0]


def assemble_query(query_mixins):
    autodiscover_modules("schema")
    for (module, resolver), make in REPLACEMENTS.items():
        position = grapple_mixin_position(query_mixins, module, resolver)
        ours = make(query_mixins[position])
        if ours is None:
            del query_mixins[position]
        else:
            query_mixins[position] = ours
    query_mixins[:0] = QUERIES
    without_tree_bookkeeping([*registry.pages.values(), CollectionObjectType])
    add_json_value()
    for model, fields in stream_fields():
        extensions.extend(model, **fields)
    extensions.apply()


def assemble_mutation(mutation_mixins):
    """Grapple ends the query and subscription mixin lists with graphene.ObjectType
    but not the mutation list, so it is added here."""
    mutation_mixins += MUTATIONS
    if mutation_mixins and graphene.ObjectType not in mutation_mixins:
        mutation_mixins.append(graphene.ObjectType)


def without_tree_bookkeeping(types):
    """Drop `TREE_FIELDS` from grapple's page and collection types (see
    cms.api.bookkeeping); the schema is built from these field maps after the
    hooks."""
    for type_ in types:
        for name in TREE_FIELDS:
            if type_._meta.fields.pop(name, None) is None:
                raise ImproperlyConfigured(
                    f"cms.api expected grapple's {type_.__name__} to have a "
                    f"{name!r} field; check the installed wagtail-grapple version."
                )


def references():
    """(type, field or None) pairs that middleware and allowlists name."""
    yield from GRAPPLE_PAGE_FIELDS
    yield from (("Page", name) for name in PUBLIC_VALUES)  # grapple's own page type
    yield from (("PageInterface", name) for name in PER_PAGE_QUERY_FIELDS)
    yield from ((IMAGE_TYPE, name) for name in RENDITION_FIELDS)
    yield from ((name, None) for name in ORDERS)
    yield (STREAM_FIELD_INTERFACE, "rawValue")
    yield (STREAM_FIELD_INTERFACE, "jsonValue")
    yield ("ImageRenditionObjectType", "url")
    yield ("DocumentObjectType", "url")
    yield (IMAGE_TYPE, "url")
    yield (EMBED_BLOCK, "value")
    yield (GENERIC_BLOCK, "value")


def verify(schema):
    """ImproperlyConfigured naming every type or field that middleware or an
    allowlist refers to and the built schema lacks: a rename upstream would
    otherwise silently stop a filter."""
    missing = []
    for type_name, field in references():
        found = schema.get_type(type_name)
        if found is None or (field and field not in getattr(found, "fields", {})):
            missing.append(f"{type_name}.{field}" if field else type_name)
    if missing:
        raise ImproperlyConfigured(
            "The GraphQL schema lacks what cms.api refers to: "
            + ", ".join(missing)
            + "; check the installed wagtail-grapple version."
        )


class VisibleRedirectsQuery(RedirectsQuery):
    """Grapple's redirects, less those to a page anonymous readers cannot see
    (whose `page` would show a draft or private page, body and all)."""

    def resolve_redirects(self, info, **kwargs):
        redirects = RedirectsQuery.resolve_redirects(self, info, **kwargs)
        targets = {r.redirect_page_id for r in redirects if r.redirect_page_id}
        visible = set(
            visible_pages().filter(pk__in=targets).values_list("pk", flat=True)
        )
        return [
            r
            for r in redirects
            if r.redirect_page_id is None or r.redirect_page_id in visible
        ]


# cms.api's own replacements; apps add theirs in their schema.py.
replace("grapple.types.pages", "resolve_pages")(lambda grapple: LocalePagesQuery)
replace("grapple.types.redirects", "resolve_redirects")(
    lambda grapple: VisibleRedirectsQuery
)
replace("grapple.types.snippets", "resolve_snippets")(lambda grapple: None)
replace("grapple.types.images", "resolve_images")(
    lambda grapple: public_media_query(grapple, "images")
)
replace("grapple.types.documents", "resolve_documents")(
    lambda grapple: public_media_query(grapple, "documents")
)
root_query(ImageFiltersQuery)
root_query(PublicUrlsQuery)
