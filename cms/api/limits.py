"""Query limits, checked on the parsed document before anything runs (with the
`order` allowlists of `cms.api.orders`).

The API is public and anonymous, so one request must not be able to ask for more
than a page needs: a deep nest of children, a thousand aliases of one field, fifty
root fields, pages of a thousand items inside pages of a thousand items, the whole
schema twenty times over. Each limit is in `settings.CMS_GRAPHQL_LIMITS`; a query
over one gets GraphQL errors naming the limit and the value (`extensions.code`
QUERY_TOO_COMPLEX, or BAD_USER_INPUT for an `order` or a page size), and costs
about as much as parsing it (see benchmarks/query_limits.py).

The check measures what execution will run: arguments as execution coerces them,
from the variables sent or else their defaults, or else the argument's default in
the schema; each fragment spread where it is spread (a fragment spread twice in one
selection set counts once, as execution collects it once). A fragment that spreads
itself, a type-system definition (`schema { ... }`, `type X { ... }`) or an unknown
fragment is a validation error, found first by graphql-core's own (linear) rules;
variables that do not coerce get the errors execution would give.

Cost is an estimate of the objects a query can return: each field costs 1, and a
list field multiplies the cost of what it selects by its size: its own `perPage`,
`limit` or `first` argument, the one of the paginated field it is the `items` of,
or `DEFAULT_LIST_SIZE`. Database queries are estimated the same way for the
fields that send one per object they are selected on (a page's tree relations):
`MAX_QUERIES`. Operations of one batched request share one `MAX_COST` (`Budget`).

Introspection (`__schema`, `__type` and everything under them) counts like any
other field towards the aliases, the root fields and the cost, and has limits of
its own: `MAX_INTROSPECTION_DEPTH` (the standard introspection query nests `ofType`
nine deep) and `MAX_INTROSPECTION_COST`. Its cost is not estimated but counted on
the schema itself: `types` is every type, `fields` a type's own fields, `ofType`
ends where the type does, so a query walking the type graph round and round
(`fields { type { fields ... } }`) costs what it would return.

Each selection set is measured once per type and page size and the result reused,
so fragments spread in many places, however deep, cost the checker linear time.
"""

from typing import NamedTuple

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    InlineFragmentNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
    is_wrapping_type,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.type.introspection import (
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
)
from graphql.validation import (
    ExecutableDefinitionsRule,
    KnownFragmentNamesRule,
    NoFragmentCyclesRule,
    UniqueFragmentNamesRule,
    validate,
)

from .errors import client_error, with_code
from .orders import order_error

SIZE_ARGUMENTS = ("perPage", "limit", "first")
# Validation rules the walk relies on, each linear in the document: only
# operations and fragments, every spread fragment defined once, no cycles.
STRUCTURE_RULES = (
    ExecutableDefinitionsRule,
    UniqueFragmentNamesRule,
    KnownFragmentNamesRule,
    NoFragmentCyclesRule,
)


def limit(name):
    return settings.CMS_GRAPHQL_LIMITS[name]


# A page's tree relations send a database query for every page they are selected
# on, wherever the page came from: nested in long lists they cost queries, not
# only objects (an outside review ran 10,000 of them, 8 s, inside the cost limit).
PER_PAGE_QUERY_FIELDS = {
    "children",
    "descendants",
    "ancestors",
    "siblings",
    "nextSiblings",
    "previousSiblings",
}


def queries_per_object(parent_type, name):
    """Whether the field sends a query for every object it is selected on."""
    return name in PER_PAGE_QUERY_FIELDS and (
        parent_type.name == "PageInterface"
        or any(
            i.name == "PageInterface" for i in getattr(parent_type, "interfaces", ())
        )
    )


class Measure(NamedTuple):
    """What a selection set asks for: cost (of the fields outside introspection),
    aliases, the levels of fields it nests, outside and inside introspection, and
    the database queries its per-object fields send."""

    cost: int = 0
    aliases: int = 0
    depth: int = 0
    introspection_depth: int = 0
    queries: int = 0


class Walk:
    """One pass over an operation, its fragments expanded, measuring it."""

    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # The walk stops this deep: past both depth limits, so the query is
        # refused anyway, and well inside Python's recursion limit.
        self.stop = max(limit("MAX_DEPTH"), limit("MAX_INTROSPECTION_DEPTH")) + 1
        self.introspection = 0  # the cost of __schema and __type fields
        self.priced = 0  # (selection set, schema element) pairs priced
        self.over_budget = False  # pricing stopped past MAX_INTROSPECTION_COST
        self.errors = {}
        self.measures = {}
        self.prices = {}
        self.expanded = {}
        self.contents = {}
        self.plans = {}
        self.budget = limit("MAX_INTROSPECTION_COST")

    def error(self, node, key, message):
        self.errors.setdefault(
            (id(node), key), client_error("QUERY_TOO_COMPLEX", message, node)
        )

    def expand(self, selection_set, parent_type):
        """The field nodes of a selection set with fragments expanded, each with
        the type it is selected on; like execution, each named fragment once."""
        key = (id(selection_set), id(parent_type))
        if key not in self.expanded:
            fields = []
            seen = set()
            stack = [(selection_set, parent_type)]
            while stack:
                selections, on = stack.pop()
                for selection in selections.selections:
                    if isinstance(selection, FieldNode):
                        fields.append((selection, on))
                    elif isinstance(selection, InlineFragmentNode):
                        condition = selection.type_condition
                        own = self.type(condition) if condition else on
                        stack.append((selection.selection_set, own))
                    elif isinstance(selection, FragmentSpreadNode):
                        name = selection.name.value
                        fragment = self.fragments.get(name)
                        if fragment is not None and name not in seen:
                            seen.add(name)
                            own = self.type(fragment.type_condition)
                            stack.append((fragment.selection_set, own))
            self.expanded[key] = fields
        return self.expanded[key]

    def type(self, named_type_node):
        return self.schema.get_type(named_type_node.name.value)

    def definition(self, parent_type, name):
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent_type is not None and parent_type is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        return getattr(parent_type, "fields", {}).get(name)

    def arguments(self, definition, field):
        """A field's arguments as execution will see them (variables, defaults);
        empty if they do not coerce, since execution then fails the field before
        resolving it."""
        try:
            values = get_argument_values(definition, field, self.variables)
        except GraphQLError:
            return {}
        return {
            name: values[argument.out_name or name]
            for name, argument in definition.args.items()
            if (argument.out_name or name) in values
        }

    def size(self, field, arguments):
        """The value of a field's page-size argument, or None; an oversized one is
        an error (`MAX_PAGE_SIZE`)."""
        for name in SIZE_ARGUMENTS:
            value = arguments.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                if value > limit("MAX_PAGE_SIZE"):
                    # A wrong argument, as a perPage over a field's own maximum
                    # is when the field runs; refused here, before anything runs.
                    self.errors.setdefault(
                        (id(field), name),
                        client_error(
                            "BAD_USER_INPUT",
                            f"{name} {value} on {field.name.value} is over the "
                            f"maximum page size of {limit('MAX_PAGE_SIZE')}.",
                            field,
                        ),
                    )
                return max(value, 0)
        return None

    def check_order(self, field, type_, arguments):
        error = order_error(type_, arguments.get("order"), field)
        if error:
            self.errors.setdefault((id(field), "order"), error)

    def measure(self, selection_set, parent_type, page_size, introspecting, level):
        """The Measure of a selection set whose fields are `level` deep; fields
        under introspection count no cost here (see `price`)."""
        if level > self.stop:
            if introspecting:
                return Measure(introspection_depth=1)
            return Measure(depth=1)
        key = (id(selection_set), id(parent_type), page_size, introspecting)
        if key in self.measures:
            measured = self.measures[key]
            return measured if measured is not None else Measure()  # a cycle
        self.measures[key] = None
        cost = aliases = depth = introspection_depth = queries = 0
        for field, on in self.expand(selection_set, parent_type):
            aliases += field.alias is not None
            definition = self.definition(on, field.name.value)
            starts = definition in (SchemaMetaFieldDef, TypeMetaFieldDef)
            inside = introspecting or starts
            if inside:
                introspection_depth = max(introspection_depth, 1)
            else:
                depth = max(depth, 1)
                cost += 1
                queries += queries_per_object(on, field.name.value)
            if definition is None or field.selection_set is None:
                continue  # a leaf, or a field validation reports
            arguments = self.arguments(definition, field)
            type_ = get_named_type(definition.type)
            is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
            own_size = None if inside else self.size(field, arguments)
            if not inside:
                self.check_order(field, type_, arguments)
            child = self.measure(
                field.selection_set,
                type_,
                None if is_list else own_size,  # the `items` of a paginated field
                inside,
                level + 1,
            )
            aliases += child.aliases
            depth = max(depth, child.depth and child.depth + 1)
            introspection_depth = max(
                introspection_depth,
                child.introspection_depth and child.introspection_depth + 1,
            )
            if starts:
                self.introspection += 1 + self.price_root(
                    field,
                    definition,
                    arguments,
                    type_,
                    level + child.introspection_depth,
                )
            elif not inside:
                size = own_size or page_size or limit("DEFAULT_LIST_SIZE")
                cost += child.cost * (size if is_list else 1)
                queries += child.queries * (size if is_list else 1)
        measured = Measure(cost, aliases, depth, introspection_depth, queries)
        self.measures[key] = measured
        return measured

    def price_root(self, field, definition, arguments, type_, deepest):
        """The introspection cost of what a `__schema` or `__type` field selects."""
        if self.over_budget or deepest > limit("MAX_INTROSPECTION_DEPTH"):
            return 0  # refused anyway
        if definition is SchemaMetaFieldDef:
            found = self.schema
        else:
            name = arguments.get("name")
            found = self.schema.get_type(name) if isinstance(name, str) else None
        if found is None:
            return 0
        return self.price(field.selection_set, found, type_)

    def plan(self, selection_set, type_):
        """How to price a selection set on elements of introspection type
        `type_`: a number for what it selects once expanded (the same for
        `{ ...T }` written in twenty places), how many fields it has, and the
        name, selection set and type of each field with a selection of its own."""
        key = (id(selection_set), id(type_))
        if key not in self.plans:
            fields = self.expand(selection_set, type_)
            selected = tuple(id(field) for field, _on in fields)
            content = self.contents.setdefault(selected, len(self.contents))
            nested = []
            for field, _on in fields:
                definition = getattr(type_, "fields", {}).get(field.name.value)
                if field.selection_set is not None and definition is not None:
                    nested.append(
                        (
                            field.name.value,
                            field.selection_set,
                            get_named_type(definition.type),
                        )
                    )
            self.plans[key] = (content, len(fields), nested)
        return self.plans[key]

    def price(self, selection_set, element, type_):
        """What selecting `selection_set` on one schema element (the schema, a
        type, a field, an argument...; its introspection type is `type_`) returns,
        counted field by field. Each (selection, element) pair is priced once, so
        pricing stops when the count of pairs (at most the cost) passes
        MAX_INTROSPECTION_COST."""
        content, total, nested = self.plan(selection_set, type_)
        key = (content, id(element))
        if key in self.prices:
            return self.prices[key]
        self.priced += 1
        if self.over_budget or self.priced > self.budget:
            self.over_budget = True
            return 0
        for name, child_selection, child_type in nested:
            for child in self.related(type_.name, name, element):
                total += self.price(child_selection, child, child_type)
        self.prices[key] = total
        return total

    def related(self, type_name, field_name, element):
        """The schema elements an introspection field gives for `element`, as
        graphql-core's introspection resolvers do (deprecated ones included)."""
        schema = self.schema
        if type_name == "__Schema":
            roots = {
                "queryType": schema.query_type,
                "mutationType": schema.mutation_type,
                "subscriptionType": schema.subscription_type,
            }
            if field_name in roots:
                return [roots[field_name]] if roots[field_name] else []
            if field_name == "types":
                return list(schema.type_map.values())
            if field_name == "directives":
                return list(schema.directives)
        elif type_name == "__Type":
            has_fields = is_object_type(element) or is_interface_type(element)
            if field_name == "fields" and has_fields:
                return list(element.fields.values())
            if field_name == "interfaces" and has_fields:
                return list(element.interfaces)
            if field_name == "possibleTypes" and is_abstract_type(element):
                return list(schema.get_possible_types(element))
            if field_name == "enumValues" and is_enum_type(element):
                return list(element.values.values())
            if field_name == "inputFields" and is_input_object_type(element):
                return list(element.fields.values())
            if field_name == "ofType" and is_wrapping_type(element):
                return [element.of_type]
        elif field_name == "args" and type_name in ("__Field", "__Directive"):
            return list(element.args.values())
        elif field_name == "type" and type_name in ("__Field", "__InputValue"):
            return [element.type]
        return []


def refusal(name, value, what):
    return client_error(
        "QUERY_TOO_COMPLEX",
        f"The query is refused: {value} {what}, over the limit of {limit(name)} "
        f"({name}).",
    )


class Budget:
    """The estimated cost spent by the operations of one request so far: a batch
    of ten operations may not cost ten times `MAX_COST`."""

    def __init__(self):
        self.spent = 0


def check(schema, document, operation_name=None, variables=None, budget=None):
    """The limits `document`'s operation breaks, as GraphQL errors (none if it
    keeps them all), or the errors that make it impossible to measure. With a
    `budget`, MAX_COST bounds the cost of this operation and those before it.
    `variables` is a dict or None (the view refuses any other JSON)."""
    errors = validate(schema, document, STRUCTURE_RULES)
    if errors:
        return errors
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []  # execution reports a missing or ambiguous operation
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    values = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}
    )
    if isinstance(values, list):  # execution would give these, and run nothing
        return [with_code(error, "BAD_USER_INPUT") for error in values]
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    walk = Walk(schema, fragments, values)
    roots = len(walk.expand(operation.selection_set, root))
    measured = walk.measure(operation.selection_set, root, None, False, 1)
    # Pricing stops once past the limit: the count so far is not the cost.
    introspection = walk.introspection
    if walk.over_budget:
        introspection = limit("MAX_INTROSPECTION_COST") + 1
    cost = measured.cost + min(introspection, limit("MAX_INTROSPECTION_COST"))
    found = [
        ("MAX_ROOT_FIELDS", roots, "root fields"),
        ("MAX_DEPTH", measured.depth, "levels deep"),
        (
            "MAX_INTROSPECTION_DEPTH",
            measured.introspection_depth,
            "levels deep in introspection",
        ),
        ("MAX_ALIASES", measured.aliases, "aliases"),
        ("MAX_INTROSPECTION_COST", introspection, "introspection cost"),
        # Introspection over its own cap is refused as such, not twice.
        ("MAX_COST", cost, "estimated cost"),
        ("MAX_QUERIES", measured.queries, "estimated database queries"),
    ]
    if budget is not None:
        budget.spent += cost
        if budget.spent > cost:
            found.append(("MAX_COST", budget.spent, "estimated cost of the batch"))
    errors = list(walk.errors.values())
    for name, value, what in found:
        if value > limit(name):
            shown = value
            if walk.over_budget and name in ("MAX_INTROSPECTION_COST", "MAX_COST"):
                shown = f"more than {value - 1}"
            errors.append(refusal(name, shown, what))
    return errors
