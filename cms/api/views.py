"""The /graphql/ endpoint."""

import json
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.utils.utils import set_rollback
from graphene_django.views import GraphQLView as BaseGraphQLView
from graphene_django.views import HttpError, get_accepted_content_types
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

from cms.content.requests import per_request, serving
from cms.delivery import responses

from . import assembly, errors, limits, persisted

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_TYPES = (
    (bool, "a boolean"),
    ((int, float), "a number"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
)


class GraphQLView(BaseGraphQLView):
    """graphene-django's view, with these changes.

    - GraphQL over HTTP as its specification says: a client that accepts
      `application/graphql-response+json` gets that media type, and a request
      error (parsing, validation, variables, limits: nothing ran) is a 400 there;
      with `application/json` (or no Accept header) every well-formed request is
      answered with 200, errors and all, so standard clients (Apollo, urql) read
      the errors instead of reporting a bare status. A malformed request (no
      query, a body that is not JSON, a mutation over GET) is a 4xx in both.
    - Answers in UTF-8 JSON. The stock view escapes every Chinese character as
      \\uXXXX: valid, but twice the bytes on the wire and unreadable in logs.
    - Runs persisted queries (Apollo's APQ, `documentId`) and, with
      `CMS_TRUSTED_DOCUMENTS` on, registered documents only (`cms.api.persisted`).
    - Checks `cms.api.limits` before validating or executing anything.
    - Takes a JSON list of operations as a batch (at most `MAX_BATCH`), and
      refuses introspection unless `CMS_GRAPHQL_INTROSPECTION` is on.
    - Every error has `extensions.code` (`cms.api.errors.CODES`); an unexpected
      exception in a resolver is answered with a generic error, and logged.
    - GraphiQL follows `CMS_GRAPHIQL`, with its assets served from this project's
      static files (cms/templates/graphene/graphiql.html), so it works offline.
    """

    format_error = staticmethod(errors.format_error)

    def dispatch(self, request, *args, **kwargs):
        # The view is made afresh for each request, so settings are read live.
        self.graphiql = settings.CMS_GRAPHIQL
        self.media_type = media_type(request)
        response = super().dispatch(request, *args, **kwargs)
        if response["Content-Type"] == "application/json":  # not GraphiQL's page
            response["Content-Type"] = f"{self.media_type}; charset=utf-8"
        return response

    def get_response(self, request, data, show_graphiql=False):
        """graphene-django's, with the status of the GraphQL-over-HTTP
        specification: a request error (errors without a path, no `data`) is a
        400 only for clients that accept application/graphql-response+json."""
        query, variables, operation_name, id = self.get_graphql_params(request, data)
        result = self.execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )
        if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
            set_rollback()
        if result is None:  # GraphiQL's page is shown instead
            return None, 200
        status = 200
        response = {}
        if result.errors:
            set_rollback()
            responses.not_storable()
            for error in result.errors:  # the whole answer is a 503 (errors.py)
                if isinstance(
                    getattr(error, "original_error", None), errors.UNAVAILABLE
                ):
                    raise error.original_error
            response["errors"] = [self.format_error(e) for e in result.errors]
        if result.errors and any(not getattr(e, "path", None) for e in result.errors):
            if self.media_type == GRAPHQL_RESPONSE:
                status = 400
        else:
            response["data"] = result.data
        if self.batch:
            response["id"] = id
            response["status"] = status
        return self.json_encode(request, response, pretty=show_graphiql), status

    @staticmethod
    def get_graphql_params(request, data):
        """graphene-django's, refusing parameters of the wrong JSON type."""
        params = BaseGraphQLView.get_graphql_params(request, data)
        query, variables, operation_name, _id = params
        for name, value, kind in (
            ("query", query, str),
            ("variables", variables, dict),
            ("operationName", operation_name, str),
        ):
            if value and not isinstance(value, kind):  # empty ones mean none
                raise HttpError(
                    HttpResponseBadRequest(
                        f"{name} must be {json_type(kind)}, not {json_type(value)}."
                    )
                )
        return params

    def json_encode(self, request, d, pretty=False):
        options = {"separators": (",", ":")}
        if self.pretty or pretty or request.GET.get("pretty"):
            options = {"sort_keys": True, "indent": 2, "separators": (",", ": ")}
        text = json.dumps(d, ensure_ascii=False, **options)
        try:
            text.encode()
        except UnicodeEncodeError:  # a lone surrogate, echoed from the request
            text = json.dumps(d, **options)  # \\uXXXX escapes, valid everywhere
        return text

    def parse_body(self, request):
        """graphene-django's, with the body limits of the README ("Request
        bodies"): no file uploads, at most CMS_GRAPHQL_MAX_BODY_SIZE bytes (told
        before the body is read), no JSON nested deeper than Python's parser
        goes; and a JSON list is a batch."""
        if request.method in ("GET", "HEAD"):
            # The operation is in the query string; a GET's body, or the JSON
            # Content-Type some clients send on every request, means nothing.
            return {}
        content_type = self.get_content_type(request)
        if content_type == "multipart/form-data":
            raise refused(
                415,
                "/graphql/ takes no file uploads (multipart/form-data): send the "
                "query as application/json, or with GET.",
            )
        if body_size(request) > settings.CMS_GRAPHQL_MAX_BODY_SIZE:
            raise refused(
                413,
                f"The request body is over {settings.CMS_GRAPHQL_MAX_BODY_SIZE} "
                "bytes, the most /graphql/ reads.",
            )
        if content_type == "application/json":
            try:
                body = json.loads(request.body)
            except RecursionError:
                raise HttpError(
                    HttpResponseBadRequest("The JSON body is nested too deeply.")
                ) from None
            except (TypeError, ValueError):
                body = None
            if isinstance(body, list):
                most = limits.limit("MAX_BATCH")
                if not 0 < len(body) <= most:
                    raise HttpError(
                        HttpResponseBadRequest(
                            f"A batch holds 1 to {most} operations, not {len(body)}."
                        )
                    )
                if not all(isinstance(entry, dict) for entry in body):
                    raise HttpError(
                        HttpResponseBadRequest(
                            "Each operation of a batch is an object."
                        )
                    )
                self.batch = True
                return body
        try:
            return super().parse_body(request)
        except (UnicodeDecodeError, MultiPartParserError) as error:
            raise HttpError(
                HttpResponseBadRequest(f"The request body cannot be read: {error}")
            ) from None

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        try:
            query = persisted.resolve(request, data, query)
        except GraphQLError as refusal:
            return ExecutionResult(data=None, errors=[refusal])
        if query:
            # At most MAX_TOKENS: validation's cost grows with the whole document
            # (unused fragments, operations not selected, repeated fields), which
            # the limits below do not measure.
            try:
                document = parse(query, max_tokens=limits.limit("MAX_TOKENS"))
            except GraphQLError as error:
                error = errors.with_code(error, "GRAPHQL_PARSE_FAILED")
                return ExecutionResult(data=None, errors=[error])
            schema = self.schema.graphql_schema
            budget = per_request(request, "cost-budget", limits.Budget)
            refusals = limits.check(schema, document, operation_name, variables, budget)
            if refusals:
                return ExecutionResult(data=None, errors=refusals)
            if get_operation_ast(document, operation_name) is None:
                message = no_operation(document, operation_name)
                raise HttpError(HttpResponseBadRequest(message))
            try:
                validate_once(schema, query, validation_rules())
            except Invalid as invalid:
                return ExecutionResult(data=None, errors=invalid.errors)
            # Valid: graphene-django's own pass is left no rule to check again.
            self.validation_rules = []
        with serving(request):
            return super().execute_graphql_request(
                request, data, query, variables, operation_name, show_graphiql
            )


def validation_rules():
    """GraphQL's rules, and no introspection unless CMS_GRAPHQL_INTROSPECTION
    is on (graphene-django's `validation_rules` replace GraphQL's: given only
    the introspection rule, a production site answered `{ noSuchField }` with
    `{"data": {}}`)."""
    if settings.CMS_GRAPHQL_INTROSPECTION:
        return tuple(specified_rules)
    return (*specified_rules, NoSchemaIntrospectionCustomRule)


class Invalid(Exception):
    def __init__(self, errors):
        self.errors = errors


@lru_cache(maxsize=512)
def validate_once(schema, query, rules):
    """Validate the document `query` (parsed again: its text is the key) with
    `rules`, raising Invalid with the errors. Remembered when valid (an
    exception is not cached), so a frontend's few documents are validated once
    a process: validating took 2-3 ms of a 30 ms answer, each time."""
    most = graphene_settings.MAX_VALIDATION_ERRORS
    errors = validate(schema, parse(query), rules, most)
    if errors:
        raise Invalid(errors)


def refused(status, message):
    """The HttpError of a body the view does not read, with `status`."""
    return HttpError(HttpResponse(message, status=status))


def body_size(request):
    """The request's Content-Length (WSGI reads no more), 0 if none or not a
    number, as Django's request reads it."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def media_type(request):
    """The media type of the answer: application/graphql-response+json when the
    client prefers it to application/json, else application/json (also for no
    Accept header, `*/*`, or only types the API does not answer in)."""
    for accepted in get_accepted_content_types(request):
        if accepted == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if accepted in ("application/json", "application/*", "*/*"):
            return "application/json"
    return "application/json"


def json_type(value):
    """What JSON calls the type of `value` (or the type `value`)."""
    kind = value if isinstance(value, type) else type(value)
    for python, name in JSON_TYPES:
        if issubclass(kind, python):
            return name
    return "null"


def no_operation(document, operation_name):
    """Why `operation_name` selects no operation of `document`."""
    if operation_name:
        return f"The query has no operation named {operation_name!r}."
    if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return "The query has several operations: name one in operationName."
    return "The query has no operation."


def graphql_endpoint():
    """The view for /graphql/. A request without a session cookie has nothing a
    forged cross-site request could use, so it needs no CSRF token (frontends
    call the API anonymously); one that carries a session cookie (an editor's
    browser) is checked like any form. Made once, at start-up: the schema is
    checked for what cms.api refers to (`assembly.verify`)."""
    assembly.verify(graphene_settings.SCHEMA.graphql_schema)
    view = GraphQLView.as_view()
    protected = csrf_protect(view)

    @csrf_exempt
    def endpoint(request, *args, **kwargs):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return endpoint
