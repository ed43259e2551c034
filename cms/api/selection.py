"""What a query asks of the field being resolved, so that a resolver can load
in one go what the fields below it will show (and nothing they will not)."""

from graphene.utils.str_converters import to_snake_case
from graphql import FieldNode, FragmentSpreadNode


def fields_below(nodes, fragments):
    """The field nodes directly in the selections of `nodes`, through fragment
    spreads and inline fragments (whatever type they apply to, and whatever
    @include or @skip say: at worst a little is loaded in vain)."""
    stack = [node.selection_set for node in nodes if node.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, FragmentSpreadNode):
                stack.append(fragments[selection.name.value].selection_set)
            else:
                stack.append(selection.selection_set)


def selected(info, *path):
    """The names (as the query spells them, e.g. coverImage) of the fields
    selected below the field being resolved, or below the fields named by
    `path` inside it."""
    nodes = list(info.field_nodes)
    for name in path:
        nodes = [f for f in fields_below(nodes, info.fragments) if f.name.value == name]
    return {field.name.value for field in fields_below(nodes, info.fragments)}


def asked(info, *path):
    """The names `selected` gives, as the models' graphql_fields name them
    (cover_image for coverImage): what a list's loading is to load."""
    return {to_snake_case(name) for name in selected(info, *path)}
