"""What one request computes once: the one per-request cache of the project.

A GraphQL query asks for the same thing many times (the locale codes, a list's
shared parent, a snippet table, the restricted collections) and must not send a
query each time, nor remember anything past the request: values are kept on the
request object, which dies with it.

Code that Wagtail calls without a request (rich-text handlers, a StreamField's
chooser blocks) reaches the request being served through `current_request`,
which the GraphQL view sets (`serving`) while it executes a query.
"""

from contextlib import contextmanager
from contextvars import ContextVar

ATTRIBUTE = "_cms_per_request"
SERVING = ContextVar("cms_serving_request", default=None)


def per_request(request, key, load):
    """`load()`, computed once per request for `key`."""
    values = request.__dict__.setdefault(ATTRIBUTE, {})
    if key not in values:
        values[key] = load()
    return values[key]


@contextmanager
def serving(request):
    """`current_request()` is `request` inside the block."""
    token = SERVING.set(request)
    try:
        yield request
    finally:
        SERVING.reset(token)


def current_request():
    """The request being served, or None outside `serving`."""
    return SERVING.get()
