"""A normalising client cache, as Apollo Client's InMemoryCache and urql's
Graphcache keep one. Tests write responses to it and read them back, through the
query that asked for them, to prove that no object's values from one request
overwrote another's and that every fragment still matches."""

import json
from pathlib import Path

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, parse

POSSIBLE_TYPES = json.loads(
    (
        Path(__file__).resolve().parents[1] / "frontend" / "possible-types.json"
    ).read_text(encoding="utf-8")
)
MISSING = "(missing from the cache)"


class NormalisedCache:
    """Apollo InMemoryCache's default normalisation, in small: every object with
    a `__typename` and an `id` is kept once, under `Typename:id`, its fields
    merged over the responses written (lists and nested objects by reference);
    each response's root is kept apart, as Apollo keeps root fields apart by
    their arguments. Reading follows the query, as Apollo does: a fragment's
    fields are read only where its type condition matches the object's
    `__typename`, directly or through `possible_types` (what a frontend passes
    as `possibleTypes`: frontend/possible-types.json by default)."""

    def __init__(self, possible_types=POSSIBLE_TYPES):
        self.objects = {}
        self.roots = []
        self.possible_types = possible_types

    def write(self, query, data):
        """Store the `data` that `query` (text or document) got."""
        document = parse(query) if isinstance(query, str) else query
        self.roots.append((document, self.normalise(data), data))

    def normalise(self, value):
        if isinstance(value, list):
            return [self.normalise(item) for item in value]
        if not isinstance(value, dict):
            return value
        fields = {name: self.normalise(field) for name, field in value.items()}
        if value.get("id") is None or "__typename" not in value:
            return fields  # kept inline, as are JSON values (`jsonValue`)
        key = f"{value['__typename']}:{value['id']}"
        self.objects.setdefault(key, {}).update(fields)
        return {"__ref": key}

    def matches(self, typename, condition):
        return condition is None or typename in (
            condition.name.value,
            *self.possible_types.get(condition.name.value, ()),
        )

    def read(self, stored, selection_set, fragments):
        """`stored` read back through `selection_set` (None: a leaf)."""
        if isinstance(stored, dict) and "__ref" in stored:
            stored = self.objects[stored["__ref"]]
        if isinstance(stored, list):
            return [self.read(item, selection_set, fragments) for item in stored]
        if selection_set is None or not isinstance(stored, dict):
            return stored
        found = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                value = self.read(
                    stored.get(key, MISSING), selection.selection_set, fragments
                )
                found[key] = merged(found.get(key), value)
                continue
            fragment = (
                fragments[selection.name.value]
                if isinstance(selection, FragmentSpreadNode)
                else selection
            )
            if self.matches(stored.get("__typename"), fragment.type_condition):
                found = merged(
                    found, self.read(stored, fragment.selection_set, fragments)
                )
        return found

    def check(self):
        """Every response, read back through its query after all were written,
        is what it was."""
        for document, stored, data in self.roots:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            [operation] = [
                d for d in document.definitions if d not in fragments.values()
            ]
            assert self.read(stored, operation.selection_set, fragments) == data


def merged(old, new):
    """Two reads of one object (through a field and a fragment, say) as one."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **{k: merged(old.get(k), v) for k, v in new.items()}}
    if isinstance(old, list) and isinstance(new, list):
        return [merged(a, b) for a, b in zip(old, new, strict=True)]
    return new
