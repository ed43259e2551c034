"""Plugs cms.api's root fields into grapple's schema.

Grapple builds its Query class from the mixins that `register_schema_query` hooks put
in a list. This hook runs after grapple's (order=1) and swaps grapple's locale-blind
pages mixin for ours. If a grapple upgrade renames that mixin, start-up fails here
instead of silently serving the old resolvers.
"""

import graphene
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

from .pages import LocalePagesQuery


def is_grapple_pages_mixin(mixin):
    return mixin.__module__ == "grapple.types.pages" and "resolve_pages" in vars(mixin)


@hooks.register("register_schema_query", order=1)
def replace_grapple_pages_query(query_mixins):
    positions = [i for i, m in enumerate(query_mixins) if is_grapple_pages_mixin(m)]
    if len(positions) != 1:
        raise ImproperlyConfigured(
            "cms.api expected exactly one grapple pages query mixin to replace, "
            f"found {len(positions)}; check the installed wagtail-grapple version."
        )
    query_mixins[positions[0]] = LocalePagesQuery


@hooks.register("register_schema_mutation", order=1)
def make_the_mutation_root_an_object_type(mutation_mixins):
    """Grapple ends the query and subscription mixin lists with graphene.ObjectType
    but not the mutation list, so apps' plain mutation mixins need it added."""
    if mutation_mixins and graphene.ObjectType not in mutation_mixins:
        mutation_mixins.append(graphene.ObjectType)
