"""Query limits, checked on the parsed document before anything runs (with the
`order` allowlists of `cms.api.orders`).

The API is public and anonymous, so one request must not be able to ask for more
than a page needs: a deep nest of children, a thousand aliases of one field, fifty
root fields, pages of a thousand items inside pages of a thousand items. Each
limit is in `settings.GRAPHQL_LIMITS`; a query over one gets GraphQL errors naming
the limit and the value, and costs about as much as parsing it (see
benchmarks/query_limits.py).

Cost is an estimate of the objects a query can return: each field costs 1, and a
list field multiplies the cost of what it selects by its size: its own `perPage`,
`limit` or `first` argument, the one of the paginated field it is the `items` of,
or `DEFAULT_LIST_SIZE`.
"""

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    value_from_ast_untyped,
)

from .orders import order_error

SIZE_ARGUMENTS = ("perPage", "limit", "first")


def limit(name):
    return settings.GRAPHQL_LIMITS[name]


class Walk:
    """One pass over an operation, its fragments expanded, measuring it."""

    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}
        self.aliases = 0
        self.depth = 0
        self.errors = []

    def size_argument(self, field):
        """The value of a field's page-size argument, or None; an oversized one is
        an error (`MAX_PAGE_SIZE`)."""
        for argument in field.arguments or ():
            if argument.name.value in SIZE_ARGUMENTS:
                value = value_from_ast_untyped(argument.value, self.variables)
                if isinstance(value, int) and not isinstance(value, bool):
                    if value > limit("MAX_PAGE_SIZE"):
                        self.errors.append(
                            GraphQLError(
                                f"{argument.name.value} {value} on "
                                f"{field.name.value} is over the maximum page size "
                                f"of {limit('MAX_PAGE_SIZE')}.",
                                field,
                            )
                        )
                    return max(value, 0)
        return None

    def check_order(self, field, type_):
        for argument in field.arguments or ():
            if argument.name.value == "order":
                value = value_from_ast_untyped(argument.value, self.variables)
                error = order_error(type_, value, field)
                if error:
                    self.errors.append(error)

    def fields(self, selection_set, parent_type, seen=()):
        """The field nodes of a selection set with fragments expanded, each with
        the type it is selected on. A fragment that spreads itself is left out
        (validation reports the cycle)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent_type
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                own = self.schema.get_type(on.name.value) if on else parent_type
                yield from self.fields(selection.selection_set, own, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    own = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self.fields(fragment.selection_set, own, (*seen, name))

    def cost(self, selection_set, parent_type, depth, page_size, seen=()):
        """The cost of a selection set (see the module docstring)."""
        self.depth = max(self.depth, depth)
        total = 0
        for field, on in self.fields(selection_set, parent_type, seen):
            if field.alias:
                self.aliases += 1
            definition = getattr(on, "fields", {}).get(field.name.value)
            own_size = self.size_argument(field)
            if definition is not None:
                self.check_order(field, get_named_type(definition.type))
            children = 0
            if field.selection_set is not None and definition is not None:
                children = self.cost(
                    field.selection_set,
                    get_named_type(definition.type),
                    depth + 1,
                    own_size,
                )
            if definition is not None and isinstance(
                get_nullable_type(definition.type), GraphQLList
            ):
                size = own_size or page_size or limit("DEFAULT_LIST_SIZE")
                children *= size
            total += 1 + children
        return total


def check(schema, document, operation_name=None, variables=None):
    """The limits `document`'s operation breaks, as GraphQL errors (none if it
    keeps them all)."""
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    fragments = {
        d.name.value: d
        for d in document.definitions
        if not isinstance(d, OperationDefinitionNode)
    }
    if operation_name:
        operations = [
            o for o in operations if o.name and o.name.value == operation_name
        ]
    if len(operations) != 1:
        return []  # execution reports a missing or ambiguous operation
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    walk = Walk(schema, fragments, variables if isinstance(variables, dict) else {})
    roots = len(list(walk.fields(operation.selection_set, root)))
    cost = walk.cost(operation.selection_set, root, 1, None)
    measured = [
        ("MAX_ROOT_FIELDS", roots, "root fields"),
        ("MAX_DEPTH", walk.depth, "levels deep"),
        ("MAX_ALIASES", walk.aliases, "aliases"),
        ("MAX_COST", cost, "estimated cost"),
    ]
    errors = list(walk.errors)
    for name, value, what in measured:
        if value > limit(name):
            errors.append(
                GraphQLError(
                    f"The query is refused: {value} {what}, over the limit of "
                    f"{limit(name)} ({name})."
                )
            )
    return errors
