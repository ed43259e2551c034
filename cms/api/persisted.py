"""Persisted queries on /graphql/: a client sends the SHA-256 of a document
instead of (or beside) its text.

Three ways in, one lookup (`resolve`, called by cms.api.views.GraphQLView before
anything is parsed; each operation of a batch on its own):

- Apollo's automatic persisted queries (APQ; `createPersistedQueryLink`):
  `extensions.persistedQuery = {"version": 1, "sha256Hash": ...}`, in a POST body
  or as a JSON string in GET's `extensions` parameter. Without `query`, the
  stored document runs, or the answer is the error Apollo's link recognises
  (`PersistedQueryNotFound`, code PERSISTED_QUERY_NOT_FOUND), upon which the
  link sends the hash again with the query: that is checked against the hash
  and remembered in the shared cache (Redis) for APQ_TTL.
- GraphQL over HTTP's `documentId` (graphql-codegen's client preset with
  `persistedDocuments`): `sha256:<hex>` or bare hex, of a registered document.
- Trusted documents (`TrustedDocument`, registered by a frontend's build with
  `manage.py register_documents`). With `CMS_TRUSTED_DOCUMENTS` on, a client
  runs only those, by hash, by `documentId` or by their full text; the APQ cache
  is neither read nor written for it, so nothing outside the registry runs.
  A frontend token with `may_send_ad_hoc_queries`, and an editor signed in to
  the admin (GraphiQL), still send any query (and use APQ).

A document is immutable under its hash, so each process keeps the bodies it has
looked up (`LOCAL`, at most LOCAL_SIZE): a repeated persisted request costs no
SQL query and no cache round trip. Only whether a body is registered can change
(from not to yes), so a body known only from APQ is looked up in the registry
again when trusted documents are on.
"""

import hashlib
import json
import re
import threading
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBadRequest
from graphene_django.views import HttpError

from .errors import client_error
from .models import TrustedDocument

# How long an automatically persisted query stays in the shared cache unused:
# a frontend's documents change with its releases, not daily.
APQ_TTL = timedelta(days=30)
# Bodies kept per process (a site sends a few dozen documents; this bounds the
# memory an APQ client sending ever new documents can take).
LOCAL_SIZE = 2000
LOCAL = {}  # sha256 -> (body, registered)
_local_lock = threading.Lock()

HEX = re.compile(r"[0-9a-f]{64}")
DOCUMENT_ID_PREFIX = "sha256:"
REGISTER_HOW = (
    'register it with `manage.py register_documents` (README, "Persisted '
    'queries and trusted documents"), or send it with a frontend token that may '
    "send ad-hoc queries"
)


def digest(text):
    """The SHA-256 (lower-case hex) of a document's text, as clients compute it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def not_found():
    """The error Apollo's persisted-query link answers by sending the query."""
    return client_error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")


def not_allowed():
    return client_error(
        "PERSISTED_QUERY_NOT_ALLOWED",
        "This GraphQL document is not registered, and this endpoint runs "
        f"registered documents only (CMS_TRUSTED_DOCUMENTS): {REGISTER_HOW}.",
    )


def bad_request(message):
    return HttpError(HttpResponseBadRequest(message))


def ad_hoc_allowed(request):
    """Whether the request may run documents that are not registered: always
    unless CMS_TRUSTED_DOCUMENTS is on; then for a frontend token allowed to, and
    for a user who may use the admin (GraphiQL, an editor's tools)."""
    if not settings.CMS_TRUSTED_DOCUMENTS:
        return True
    token = getattr(request, "frontend_token", None)
    if token is not None and token.may_send_ad_hoc_queries:
        return True
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("wagtailadmin.access_admin")
    )


def remember(sha256, body, registered):
    with _local_lock:
        if sha256 not in LOCAL and len(LOCAL) >= LOCAL_SIZE:
            del LOCAL[next(iter(LOCAL))]  # the oldest
        LOCAL[sha256] = (body, registered)


def registered(sha256):
    """The body of the registered document with this hash, or None."""
    body, is_registered = LOCAL.get(sha256, (None, False))
    if is_registered:
        return body
    body = (
        TrustedDocument.objects.filter(sha256=sha256)
        .values_list("body", flat=True)
        .first()
    )
    if body is not None:
        remember(sha256, body, True)
    return body


def cache_key(sha256):
    return f"apq:{sha256}"


def lookup(sha256, ad_hoc):
    """The body stored under `sha256` for a client that may (`ad_hoc`) or may not
    run unregistered documents, or None: this process's memory, then the APQ
    cache (ad-hoc clients only), then the registry."""
    if not ad_hoc:
        return registered(sha256)
    if (known := LOCAL.get(sha256)) is not None:
        return known[0]
    body = cache.get(cache_key(sha256))
    if body is None:
        return registered(sha256)
    remember(sha256, body, False)
    return body


def persist(sha256, query):
    """Remember an automatically persisted query (APQ registration)."""
    if sha256 not in LOCAL:
        cache.set(cache_key(sha256), query, APQ_TTL.total_seconds())
        remember(sha256, query, False)


def parameter(request, data, name):
    """A request parameter as graphene-django reads them: GET's, else the body's."""
    return request.GET.get(name) or data.get(name)


def apq_hash(request, data):
    """The sha256Hash of `extensions.persistedQuery`, or None without one."""
    extensions = parameter(request, data, "extensions")
    if isinstance(extensions, str):  # GET: a JSON string
        try:
            extensions = json.loads(extensions)
        except ValueError:
            raise bad_request("extensions must be a JSON object.") from None
    if not extensions:
        return None
    if not isinstance(extensions, dict):
        raise bad_request("extensions must be a JSON object.")
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise bad_request("Unsupported persisted query version: send version 1.")
    return checked_hash(persisted.get("sha256Hash"), "persistedQuery.sha256Hash")


def checked_hash(value, name):
    """`value` as lower-case hex SHA-256, or a 400 naming the parameter."""
    sha256 = value.lower() if isinstance(value, str) else ""
    if not HEX.fullmatch(sha256):
        raise bad_request(f"{name} must be a SHA-256 in hexadecimal (64 digits).")
    return sha256


def resolve(request, data, query):
    """The document to run for one operation (`data`: the body or a batch's
    entry), or `query` unchanged when it uses no persisted query; raises the
    GraphQLError to answer instead (not found, not allowed) or an HttpError (a
    malformed persisted query, a hash that does not match the query)."""
    sha256 = apq_hash(request, data)
    document_id = parameter(request, data, "documentId")
    if sha256 is None and document_id:
        if query:
            raise bad_request("Send documentId or query, not both.")
        if not isinstance(document_id, str):
            raise bad_request("documentId must be a string.")
        sha256 = checked_hash(
            document_id.removeprefix(DOCUMENT_ID_PREFIX), "documentId"
        )
    ad_hoc = ad_hoc_allowed(request)
    if sha256 is None:
        if query and not ad_hoc and registered(digest(query)) is None:
            raise not_allowed()
        return query
    if not query:
        body = lookup(sha256, ad_hoc)
        if body is None:
            raise not_found()
        return body
    if not isinstance(query, str) or digest(query) != sha256:
        raise bad_request(
            "persistedQuery.sha256Hash is not the SHA-256 of the query: hash the "
            "query's exact text (UTF-8)."
        )
    if ad_hoc:
        persist(sha256, query)
    elif registered(sha256) is None:
        raise not_allowed()
    return query
