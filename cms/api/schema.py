"""The GraphQL schema as SDL text, as committed in schema.graphql.

Frontends generate their types from schema.graphql; a test compares it with the live
schema. Descriptions are printed in English so the file does not depend on the
language a command or test happens to run in.
"""

from django.utils import translation
from graphql import print_schema


def schema_sdl():
    from grapple.schema import schema

    with translation.override("en"):
        return print_schema(schema.graphql_schema) + "\n"
