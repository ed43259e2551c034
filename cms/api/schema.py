"""The GraphQL schema as SDL text, as committed in schema.graphql, and the
possible types of its interfaces and unions, as committed in
frontend/possible-types.json.

Frontends generate their types from schema.graphql; a normalising client cache
needs the possible types to match a fragment on an interface or a union (Apollo's
InMemoryCache `possibleTypes`: without it, such a fragment's fields silently read
back as missing). Tests compare both files with the live schema. Descriptions are
printed in English so the file does not depend on the language a command or test
happens to run in.
"""

import json

from django.utils import translation
from graphql import is_abstract_type, print_schema


def schema_sdl():
    from grapple.schema import schema

    with translation.override("en"):
        return print_schema(schema.graphql_schema) + "\n"


def possible_types_json():
    """{interface or union: [its object types]} as JSON, sorted, for Apollo's
    `new InMemoryCache({possibleTypes})` (urql's graphcache takes the schema)."""
    from grapple.schema import schema

    graphql_schema = schema.graphql_schema
    possible = {
        name: sorted(t.name for t in graphql_schema.get_possible_types(type_))
        for name, type_ in sorted(graphql_schema.type_map.items())
        if is_abstract_type(type_) and not name.startswith("__")
    }
    return json.dumps(possible, indent=2, ensure_ascii=False) + "\n"
