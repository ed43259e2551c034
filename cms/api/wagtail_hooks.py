"""Plugs cms.api's root fields into grapple's schema.

Grapple builds its Query class from the mixins that `register_schema_query` hooks put
in a list. This hook runs after grapple's (order=1), swaps grapple's locale-blind
pages mixin for ours, and drops grapple's `snippets` field, which answers with every
instance of every snippet model at once (5,000 member companies, inactive ones
included, drafts of any snippet) and mixes locales; each app offers its snippets
through its own paginated, locale-aware fields instead. If a grapple upgrade
renames these mixins, start-up fails here instead of silently serving the old ones.
"""

import graphene
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

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


@hooks.register("register_schema_query", order=1)
def replace_grapple_pages_and_snippets_queries(query_mixins):
    pages = grapple_mixin_position(query_mixins, "grapple.types.pages", "resolve_pages")
    query_mixins[pages] = LocalePagesQuery
    snippets = grapple_mixin_position(
        query_mixins, "grapple.types.snippets", "resolve_snippets"
    )
    del query_mixins[snippets]


@hooks.register("register_schema_mutation", order=1)
def make_the_mutation_root_an_object_type(mutation_mixins):
    """Grapple ends the query and subscription mixin lists with graphene.ObjectType
    but not the mutation list, so apps' plain mutation mixins need it added."""
    if mutation_mixins and graphene.ObjectType not in mutation_mixins:
        mutation_mixins.append(graphene.ObjectType)
