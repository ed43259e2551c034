"""Plugs cms.api's root fields into grapple's schema.

Grapple builds its Query class from the mixins that `register_schema_query` hooks put
in a list. This hook runs after grapple's (order=1), swaps grapple's locale-blind
pages mixin for ours and its redirects for those to visible pages, and drops
grapple's `snippets` field, which answers with every
instance of every snippet model at once (5,000 member companies, inactive ones
included, drafts of any snippet) and mixes locales; each app offers its snippets
through its own paginated, locale-aware fields instead. If a grapple upgrade
renames these mixins, start-up fails here instead of silently serving the old ones.
"""

import graphene
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils.module_loading import autodiscover_modules
from grapple.registry import registry
from grapple.types.collections import CollectionObjectType
from grapple.types.redirects import RedirectsQuery
from wagtail import hooks

from cms.content.visibility import is_expired, visible_pages

from . import extensions
from .bookkeeping import TREE_FIELDS
from .media import PublicDocumentLinkHandler, VisiblePageLinkHandler
from .pages import LocalePagesQuery


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


@hooks.register("register_schema_query", order=1)
def replace_grapple_pages_and_snippets_queries(query_mixins):
    pages = grapple_mixin_position(query_mixins, "grapple.types.pages", "resolve_pages")
    query_mixins[pages] = LocalePagesQuery
    redirects = grapple_mixin_position(
        query_mixins, "grapple.types.redirects", "resolve_redirects"
    )
    query_mixins[redirects] = VisibleRedirectsQuery
    snippets = grapple_mixin_position(
        query_mixins, "grapple.types.snippets", "resolve_snippets"
    )
    del query_mixins[snippets]
    without_tree_bookkeeping([*registry.pages.values(), CollectionObjectType])
    autodiscover_modules("schema")  # the apps' extensions, before they apply
    extensions.apply()


def without_tree_bookkeeping(types):
    """Drop `TREE_FIELDS` from grapple's page and collection types (see
    cms.api.bookkeeping); the schema is built from these field maps right after
    this hook."""
    for type_ in types:
        for name in TREE_FIELDS:
            if type_._meta.fields.pop(name, None) is None:
                raise ImproperlyConfigured(
                    f"cms.api expected grapple's {type_.__name__} to have a "
                    f"{name!r} field; check the installed wagtail-grapple version."
                )


@hooks.register("register_schema_mutation", order=1)
def make_the_mutation_root_an_object_type(mutation_mixins):
    """Grapple ends the query and subscription mixin lists with graphene.ObjectType
    but not the mutation list, so apps' plain mutation mixins need it added."""
    if mutation_mixins and graphene.ObjectType not in mutation_mixins:
        mutation_mixins.append(graphene.ObjectType)


@hooks.register("register_rich_text_features", order=1)
def link_only_to_what_readers_may_see(features):
    """After Wagtail's own (order 0): links to hidden pages and restricted
    documents lose their target (cms.api.media)."""
    features.register_link_type(VisiblePageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)


@hooks.register("before_serve_page")
def hide_expired_pages(page, request, serve_args, serve_kwargs):
    """Wagtail's own page routes follow `visible_pages` too: a page past its
    expiry is a 404 at once, not only once publish_scheduled has run."""
    if is_expired(page):
        raise Http404
