"""Caching of /graphql/ answers: what a response depends on, the response
cache (cms.delivery.responses) and HTTP caching (README, "Caching").

`Dependencies` (graphene middleware, outermost) records, while a query runs,
the keys of cms.delivery.changes that its answer depends on, beside the rows
cms.delivery.responses records as they are loaded (a row's own key and the key
of all its editions):

- a field whose GraphQL type is a model's (grapple's types, PageInterface for
  Page, an envelope such as PageList for its items' model) and that answers a
  list, an envelope or nothing, or one row found otherwise than through a
  plain forward relation or a page's parent (a lookup by slug or path,
  previous/next) depends on the model's list in the field's locale chain (its
  `locale` and `fallback` arguments, else the chain its row was read through),
  or on the model's list in any locale when neither applies; a root lookup by
  id alone that finds its row depends on that row only;
- a field with a `search` or `searchQuery` argument, and `search`, depend on
  the search index of their locales;
- aggregates (counts, overviews, archives) declare their keys (`declare`, in
  the schema modules next to the fields), and so does every root field whose
  type is no model's; an undeclared one depends on every change
  (responses.ANY_CHANGE): correct by default, never stale;
- a mutation or a preview (`token`) is never stored, and a field that shows
  or orders by view counts makes the answer brief (CMS_VIEW_COUNT_MAX_AGE).

`ResponseCaching` (Django middleware, right inside CorsMiddleware) answers
anonymous requests (no session cookie, no frontend token) from the response
cache before any other middleware runs: no session, locale, token or CSRF work
and no SQL for a hit or a 304. It also gives every /graphql/ answer its HTTP
caching headers: anonymous successful queries `Cache-Control: public` with
max-age, stale-while-revalidate and s-maxage (CMS_HTTP_MAX_AGE,
CMS_HTTP_STALE_WHILE_REVALIDATE, CMS_CDN_MAX_AGE, each bounded by the entry's
remaining lifetime), a strong ETag, Surrogate-Key and Cache-Tag; everything
else `private, no-store`. Anonymous answers set no cookie (graphene's view
always asks for a CSRF cookie, which a request without a session never needs:
cms.api.views.graphql_endpoint) and vary on Accept (the media type) only:
Accept-Language changes no successful answer (only error messages, which are
never cached), the session cookie is not theirs, and corsheaders adds Origin
(Access-Control-Allow-Origin follows it).
"""

import functools
import json
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import parse_etags
from graphql import GraphQLObjectType, OperationType, get_named_type
from wagtail.models import Page, TranslatableMixin

from cms.content.editions import LOCALE_CHAIN, language_codes
from cms.content.public_urls import request_origin
from cms.delivery import changes, responses

from .tokens import bearer

# GraphQL types that stand for a model without being grapple's model types.
TYPE_MODELS = {
    "PageInterface": "wagtailcore.Page",
    "TagObjectType": "taggit.Tag",
    "Redirect": "wagtailredirects.Redirect",
}
# Arguments of a root lookup other than `id` (an id names its row: nothing else
# can take its place).
LOOKUPS = ("slug", "url_path", "key", "hostname", "token")
SEARCH_ARGUMENTS = ("search", "search_query")
# The most bytes of Surrogate-Key (and of Cache-Tag) before rows' keys give way
# to ANY_CHANGE: Fastly and Cloudflare take 16 KB, proxies' header buffers less.
MAX_SURROGATE_BYTES = 8000

DECLARED = {}


def declare(type_name, field_name, keys=None):
    """Declare what `type_name.field_name` depends on beyond the rules above:
    `keys(root, info, args, languages)` returns keys (`languages`: the field's
    locale chain as language codes, empty without one); None: nothing more (a
    constant, or what `all` covers)."""
    DECLARED[(type_name, field_name)] = keys or (lambda *_: ())


# ----------------------------------------------------------- graphene middleware


class Dependencies:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        value = next(root, info, **args)
        recording = responses.current()
        if recording is not None and recording.storable:
            record(recording, root, info, args, value)
        return value


def record(recording, root, info, args, value):
    if info.field_name.startswith("__"):  # __typename: the type, known already
        return
    if info.operation.operation is not OperationType.QUERY or args.get("token"):
        recording.storable = False
        return
    if not recording.tracking:  # the response cache is off
        return
    on_query = root is None or info.parent_type is info.schema.query_type
    keys = recording.keys
    declared = DECLARED.get((info.parent_type.name, info.field_name))
    if declared is None and isinstance(root, Page):
        declared = DECLARED.get(("PageInterface", info.field_name))
    model = model_of_type(info.return_type)
    if declared is None and on_query and model is None:
        keys.add(responses.ANY_CHANGE)
        return
    if declared is None and not on_query and not isinstance(root, Model):
        return  # inside an envelope, a block, a menu item: its field said it
    codes = languages(root, info, args)
    if declared is not None:
        keys.update(declared(root, info, args, codes))
    if any(args.get(name) for name in SEARCH_ARGUMENTS):
        keys.update(changes.search_key(c) for c in codes or [None])
    if model is None or not (on_query or isinstance(root, Model)):
        return
    if isinstance(value, Model):
        if on_query and args.get("id") and not any(args.get(a) for a in LOOKUPS):
            return
        if not on_query and related(type(root), info.field_name):
            return
    elif value is None and not on_query:
        attname = related(type(root), info.field_name)
        target = attname and attname.endswith("_id") and root.__dict__.get(attname)
        if target:
            related_model = root._meta.get_field(attname[:-3]).related_model
            keys.add(responses.row_key(related_model, target))
            return
    keys.update(list_keys(model, codes))


def list_keys(model, codes):
    if not codes or not issubclass(model, TranslatableMixin):
        return [changes.list_key(model)]
    return [changes.list_key(model, code) for code in codes]


def languages(root, info, args):
    """The field's locale chain, as language codes: its `locale` (the default
    when left out) and `fallback` arguments, else the chain its row was read
    through; empty for neither."""
    definition = info.parent_type.fields[info.field_name]
    if "locale" in definition.args:
        given = [
            args.get("locale") or settings.LANGUAGE_CODE,
            *(args.get("fallback") or ()),
        ]
        return [code.strip().lower().replace("_", "-") for code in given]
    if not isinstance(root, Model):
        return []
    # From the row's __dict__: a deferred locale must not cost a query per row
    # (without one, the lists of every locale).
    values = root.__dict__
    chain = values.get(LOCALE_CHAIN) or ()
    ids = [locale.pk for locale in chain] or [values.get("locale_id")]
    if None in ids:
        return []
    names = language_codes(info.context)
    return [names.get(locale_id) for locale_id in ids]


@functools.cache
def model_of_type(graphql_type):
    """The model a GraphQL type stands for (an envelope's: its items'), or None."""
    named = get_named_type(graphql_type)
    if named.name in TYPE_MODELS:
        return apps.get_model(TYPE_MODELS[named.name])
    model = getattr(
        getattr(getattr(named, "graphene_type", None), "_meta", None), "model", None
    )
    if model is not None:
        return model
    if isinstance(named, GraphQLObjectType) and "items" in named.fields:
        items = get_named_type(named.fields["items"].type)
        if items is not named:
            return model_of_type(items)
    return None


@functools.cache
def related(model, field_name):
    """The attname of `model`'s forward relation behind `field_name` (a page's
    parent: "parent"), else None: the row it answers is the one the root names."""
    if field_name == "parent" and issubclass(model, Page):
        return "parent"
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", field_name).lower()
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.concrete and (field.many_to_one or field.one_to_one):
        return field.attname
    if field.concrete and field.many_to_many:  # the set is the row's own
        return field.name
    return None


# ------------------------------------------------------------ Django middleware


class ResponseCaching:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/graphql/":
            return self.get_response(request)
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES and (
            bearer(request) is None
        )
        key = request_key(request) if anonymous else None
        enabled = responses.enabled()
        if key is not None and enabled:
            entry = responses.fetch(key)
            if entry is not None:
                return answer(request, entry, hit=True)
        if key is None:
            response = self.get_response(request)
            return private(request, response, anonymous)
        generation = responses.generation() if enabled else None
        recording = responses.Recording(key, generation=generation, tracking=enabled)
        token = responses.CURRENT.set(recording)
        try:
            response = self.get_response(request)
        finally:
            responses.CURRENT.reset(token)
        if not (
            recording.storable
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith(JSON_TYPES)
        ):
            return private(request, response, anonymous)
        body = response.content
        if not enabled:
            return uncached(request, body, response["Content-Type"])
        seconds = responses.lifetime(recording)
        surrogate = surrogate_keys(sorted(recording.keys))
        entry = responses.store(
            recording,
            body,
            responses.etag_of(body, response["Content-Type"]),
            response["Content-Type"],
            seconds,
            surrogate=(" ".join(surrogate), ",".join(surrogate)),
        )
        return answer(request, entry, hit=False)


def uncached(request, body, content_type):
    """An anonymous query's answer with the response cache off: no cache may
    reuse it without asking (`no-cache`), but its ETag still saves the body."""
    etag = responses.etag_of(body, content_type)
    if request.method in ("GET", "HEAD") and not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
        response["Content-Length"] = len(body)
    response["Cache-Control"] = "no-cache"
    response["ETag"] = etag
    response["Vary"] = "Accept"
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


JSON_TYPES = ("application/json", "application/graphql-response+json")


def request_key(request):
    """The response cache's key of a query over GET, or over POST as a JSON
    object; None for anything else (batches, forms, what does not parse: the
    view answers them, uncached). Nothing is parsed as GraphQL: the document is
    keyed by its text, or by its persisted-query hash or documentId when it
    has no text (cms.api.persisted resolves them in the view: an unknown one is
    an error, never stored)."""
    from .views import media_type

    if settings.CMS_GRAPHIQL and "text/html" in request.headers.get("Accept", ""):
        return None  # GraphiQL's page, in development
    if request.method in ("GET", "HEAD"):
        params = request.GET
        try:
            variables = json.loads(params.get("variables") or "null")
            extensions = json.loads(params.get("extensions") or "null")
        except (ValueError, RecursionError):  # the view answers it
            return None
    elif request.method == "POST" and request.content_type == "application/json":
        if (
            int(request.META.get("CONTENT_LENGTH") or 0)
            > settings.CMS_GRAPHQL_MAX_BODY_SIZE
        ):
            return None
        try:
            params = json.loads(request.body)
        except (ValueError, RecursionError):  # the view answers it
            return None
        if not isinstance(params, dict):
            return None
        variables, extensions = params.get("variables"), params.get("extensions")
    else:
        return None
    query = params.get("query")
    persisted = None
    if isinstance(extensions, dict) and isinstance(
        extensions.get("persistedQuery"), dict
    ):
        persisted = extensions["persistedQuery"].get("sha256Hash")
    if persisted and query:
        # Apollo's registration of a hash: the view must run to remember it,
        # even when an answer to the same text is cached (else every later
        # request by the hash alone is PersistedQueryNotFound).
        return None
    document_id = params.get("documentId")
    document = (
        query
        or (f"#{persisted}" if persisted else None)
        or (f"id:{document_id}" if document_id else None)
    )
    if not isinstance(document, str):
        return None
    return responses.request_key(
        schema_version(),
        # (an answer kept while any document ran is not one for trusted mode)
        settings.CMS_TRUSTED_DOCUMENTS,
        request.method == "POST",
        document,
        params.get("operationName") or "",
        json.dumps(variables or {}, sort_keys=True, separators=(",", ":")),
        media_type(request),
        bool(request.GET.get("pretty")),
        "anonymous",
        # Absolute URLs are made from the request's origin where
        # CMS_PUBLIC_BASE_URLS does not name one (cms.content.public_urls):
        # an answer asked for through another host is another answer.
        request_origin(request),
    )


@functools.cache
def schema_version():
    """A digest of the schema: a deploy that changes it starts a new cache."""
    from .schema import schema_sdl

    return responses.etag_of(schema_sdl().encode())


def answer(request, entry, hit):
    """The cached (or just computed) answer of `entry`, or a 304 for a GET whose
    If-None-Match names its ETag."""
    if request.method in ("GET", "HEAD") and not_modified(request, entry["etag"]):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["body"], content_type=entry["type"])
        response["Content-Length"] = len(entry["body"])
    remaining = max(0, int(entry["expires"] - time.time()))
    max_age = min(settings.CMS_HTTP_MAX_AGE, remaining)
    stale = min(settings.CMS_HTTP_STALE_WHILE_REVALIDATE, remaining - max_age)
    control = ["public", f"max-age={max_age}", f"stale-while-revalidate={stale}"]
    if settings.CMS_CDN_MAX_AGE:
        control.append(f"s-maxage={min(settings.CMS_CDN_MAX_AGE, remaining)}")
    response["Cache-Control"] = ", ".join(control)
    response["ETag"] = entry["etag"]
    response["Vary"] = "Accept"
    response["X-Cache"] = "HIT" if hit else "MISS"
    if response.status_code == 200:  # a 304 updates what a cache holds (RFC
        # 9111, 4.3.4): the keys it stored with the 200 stay; kilobytes saved
        response["Surrogate-Key"], response["Cache-Tag"] = entry["surrogate"]
    if hit:
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def not_modified(request, etag):
    """Whether If-None-Match names `etag`, compared weakly as RFC 9110 (13.1.2)
    says: `W/"x"` matches `"x"` (a proxy that compresses, nginx's gzip, weakens
    the ETags it passes on), and `*` matches any."""
    etags = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    return "*" in etags or etag in (tag.removeprefix("W/") for tag in etags)


def private(request, response, anonymous):
    """Headers of an answer no cache may keep."""
    response["Cache-Control"] = "private, no-store"
    if anonymous:
        strip_cookies(response)
    return response


def strip_cookies(response):
    response.cookies.pop(settings.CSRF_COOKIE_NAME, None)


def surrogate_keys(keys):
    """The CDN's keys of a response: its dependency keys, spelled as the purges
    spell them (changes.surrogate), or when they would pass
    MAX_SURROGATE_BYTES, its list, search and global keys with ANY_CHANGE in
    place of its rows' and editions' keys (cms.delivery.cdn purges ANY_CHANGE
    with every change)."""
    keys = [changes.surrogate(k) for k in keys if k != responses.SCHEDULED]
    if sum(len(k) + 1 for k in keys) <= MAX_SURROGATE_BYTES:
        return keys
    broad = [k for k in keys if k.startswith(("list:", "search")) or k == changes.ALL]
    return [*broad, responses.ANY_CHANGE]


# The project-wide fields that need a declaration (the domain apps declare theirs
# in their schema modules).
for _constant in ("documentType", "imageType", "imageFilters", "locales"):
    declare("Query", _constant)  # settings, or the locales: `all`
declare(
    "Query",
    "search",
    lambda root, info, args, codes: [
        changes.search_key(None if args.get("all_locales") else code) for code in codes
    ],
)
declare(
    "Query",
    "publicUrls",
    lambda root, info, args, codes: list_keys(Page, codes),
)
# A page's depth counts only the visible pages above it: any page's change.
declare("PageInterface", "depth", lambda *_: [changes.list_key(Page)])
