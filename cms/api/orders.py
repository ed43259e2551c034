"""What each `order` argument accepts, by the type of what it orders. Grapple
passes any value to `order_by`, and an arbitrary ORM path (`owner__password`,
`uploaded_by_user__password`) lets a client read data through the order.
Checked before execution with the other limits (`cms.api.limits`), for every
field. The one allowlist mechanism: apps register the orders of their own list
types here (`register`; newsArticles' single-valued vocabulary, say).
"""

from .errors import bad_input


def both_ways(*fields):
    return frozenset(f"{sign}{field}" for sign in ("", "-") for field in fields)


PAGE_ORDERS = both_ways(
    "id", "title", "slug", "path", "first_published_at", "last_published_at"
)
# By the GraphQL type a list field returns; page types take PAGE_ORDERS. These
# take comma-separated lists (grapple's `order`); SINGLE those that take one value.
SINGLE = set()
# Wagtail's and grapple's own types; apps register theirs.
ORDERS = {
    "ImageObjectType": both_ways("id", "title", "created_at", "width", "height"),
    "DocumentObjectType": both_ways("id", "title", "created_at"),
    "CollectionObjectType": both_ways("id", "name", "path"),
    "TagObjectType": both_ways("id", "name"),
    "SiteObjectType": both_ways("id", "hostname", "site_name"),
}


def register(type_name, values, several=False):
    """Allow `values` as the `order` of fields returning `type_name`; one at a
    time unless `several`."""
    ORDERS[type_name] = frozenset(values)
    if not several:
        SINGLE.add(type_name)


def is_page_type(type_):
    return type_.name == "PageInterface" or any(
        interface.name == "PageInterface"
        for interface in getattr(type_, "interfaces", ())
    )


def allowed_orders(type_):
    """The `order` values a list of `type_` accepts, or None if it has no list."""
    return PAGE_ORDERS if is_page_type(type_) else ORDERS.get(type_.name)


def order_error(type_, value, node):
    """The error for an `order` value not in `type_`'s allowlist, or None."""
    allowed = allowed_orders(type_)
    if allowed is None or not isinstance(value, str):
        return None
    parts = [value] if type_.name in SINGLE else value.split(",")
    refused = [part.strip() for part in parts if part.strip() not in allowed]
    if not refused:
        return None
    return bad_input(
        f"Cannot order {node.name.value} by {', '.join(map(repr, refused))}. "
        f"Allowed: {', '.join(sorted(allowed))}.",
        node,
    )
