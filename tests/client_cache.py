"""A normalising client cache, as Apollo Client's InMemoryCache and urql's
Graphcache keep one. Tests write responses to it and read them back to prove that
no object's values from one request overwrote another's."""


class NormalisedCache:
    """Apollo InMemoryCache's default normalisation, in small: every object with
    a `__typename` and an `id` is kept once, under `Typename:id`, its fields
    merged over the responses written (lists and nested objects by reference);
    each response's root is kept apart, as Apollo keeps root fields apart by
    their arguments."""

    def __init__(self):
        self.objects = {}
        self.roots = []

    def write(self, data):
        self.roots.append((self.normalise(data), data))

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

    def read(self, stored, shape):
        """`stored` read back from the cache with the fields of `shape` (the
        response that wrote it)."""
        if isinstance(stored, dict) and "__ref" in stored:
            stored = self.objects[stored["__ref"]]
        if isinstance(stored, list):
            shapes = shape if isinstance(shape, list) and shape else [None]
            return [
                self.read(item, shapes[min(n, len(shapes) - 1)])
                for n, item in enumerate(stored)
            ]
        if isinstance(stored, dict):
            names = shape if isinstance(shape, dict) else stored
            return {
                name: self.read(stored.get(name), names.get(name)) for name in names
            }
        return stored

    def check(self):
        """Every response, read back after all were written, is what it was."""
        for stored, data in self.roots:
            assert self.read(stored, data) == data
