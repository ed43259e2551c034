"""Every `order` argument takes an allowlist; anything else is an error, never
silently ignored and never an ORM path."""

import pytest
from graphql import get_named_type
from grapple.schema import schema

from cms.api.orders import allowed_orders

HOSTILE = "owner__password"


def order_fields():
    """(type, field, returned type) for every field that takes `order`."""
    for type_ in schema.graphql_schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items():
            if "order" in getattr(field, "args", {}):
                yield type_.name, name, get_named_type(field.type)


def test_every_order_argument_has_an_allowlist():
    fields = list(order_fields())
    assert len(fields) > 40
    unchecked = [
        (owner, name, returned.name)
        for owner, name, returned in fields
        if allowed_orders(returned) is None and returned.name != "NewsArticleList"
    ]
    assert unchecked == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f'{{ images(order: "{HOSTILE}") {{ id }} }}', "Cannot order images by"),
        (
            '{ documents(order: "collection__name") { id } }',
            "Cannot order documents by 'collection__name'",
        ),
        (f'{{ collections(order: "{HOSTILE}") {{ id }} }}', "Cannot order collections"),
        (
            f'{{ tags(order: "id,{HOSTILE}") {{ id }} }}',
            f"Cannot order tags by '{HOSTILE}'",
        ),
        (f'{{ sites(order: "{HOSTILE}") {{ hostname }} }}', "Cannot order sites"),
        (f'{{ pages(order: "{HOSTILE}") {{ totalCount }} }}', "Cannot order pages"),
        (
            f'{{ pages {{ items {{ children(order: "{HOSTILE}") {{ id }} }} }} }}',
            "Cannot order children by",
        ),
        (
            f'{{ sites {{ pages(order: "{HOSTILE}") {{ id }} }} }}',
            "Cannot order pages by",
        ),
        (
            f'{{ newsArticles(order: "{HOSTILE}") {{ totalCount }} }}',
            "Cannot order news",
        ),
    ],
)
def test_orders_outside_the_allowlist_are_errors(gql, query, message):
    errors = gql.errors(query)
    assert any(message in error for error in errors), errors


def test_allowed_orders_work(gql):
    data = gql(
        '{ images(order: "-created_at") { id } documents(order: "title,id") { id } '
        'tags(order: "name") { name } collections(order: "path") { name } '
        'sites(order: "hostname") { hostname } }'
    )
    assert data["sites"]
