"""What one request computes once: the one per-request cache of the project.

A GraphQL query asks for the same thing many times (the locale codes, a list's
shared parent, a snippet table, the restricted collections) and must not send a
query each time, nor remember anything past the request: values are kept on the
request object, which dies with it.
"""

ATTRIBUTE = "_cms_per_request"


def per_request(request, key, load):
    """`load()`, computed once per request for `key`."""
    values = request.__dict__.setdefault(ATTRIBUTE, {})
    if key not in values:
        values[key] = load()
    return values[key]
