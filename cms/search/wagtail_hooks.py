"""Puts our `search` in grapple's schema in place of grapple's own, which searches
every model with Wagtail's backend (no Chinese words, drafts included)."""

from wagtail import hooks

from cms.api.wagtail_hooks import grapple_mixin_position

from .schema import search_query_mixin


@hooks.register("register_schema_query", order=2)
def replace_grapple_search(query_mixins):
    position = grapple_mixin_position(
        query_mixins, "grapple.types.search", "resolve_search"
    )
    query_mixins[position] = search_query_mixin()
