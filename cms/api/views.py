"""The /graphql/ endpoint."""

import json

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView as BaseGraphQLView
from graphene_django.views import HttpError
from graphql import ExecutionResult, GraphQLError, parse
from graphql.validation import NoSchemaIntrospectionCustomRule

from cms.content.requests import per_request

from . import assembly, errors, limits


class GraphQLView(BaseGraphQLView):
    """graphene-django's view, with four changes.

    - Answers in UTF-8 JSON. The stock view escapes every Chinese character as
      \\uXXXX: valid, but twice the bytes on the wire and unreadable in logs.
    - Checks `cms.api.limits` before validating or executing anything.
    - Takes a JSON list of operations as a batch (at most `MAX_BATCH`), and
      refuses introspection unless `CMS_GRAPHQL_INTROSPECTION` is on.
    - Answers an unexpected exception in a resolver with a generic error, and logs
      it (`cms.api.errors`).
    """

    format_error = staticmethod(errors.format_error)

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
        if self.get_content_type(request) == "application/json":
            try:
                body = json.loads(request.body)
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
        # The view is made afresh for each request, so the setting is read live.
        self.validation_rules = (
            None
            if settings.CMS_GRAPHQL_INTROSPECTION
            else [NoSchemaIntrospectionCustomRule]
        )
        if query and isinstance(query, str):
            # At most MAX_TOKENS: validation's cost grows with the whole document
            # (unused fragments, operations not selected, repeated fields), which
            # the limits below do not measure.
            try:
                document = parse(query, max_tokens=limits.limit("MAX_TOKENS"))
            except GraphQLError as error:
                error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}
                return ExecutionResult(data=None, errors=[error])
            schema = self.schema.graphql_schema
            budget = per_request(request, "cost-budget", limits.Budget)
            errors = limits.check(schema, document, operation_name, variables, budget)
            if errors:
                return ExecutionResult(data=None, errors=errors)
        return super().execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )


def graphql_endpoint():
    """The view for /graphql/. A request without a session cookie has nothing a
    forged cross-site request could use, so it needs no CSRF token (frontends
    call the API anonymously); one that carries a session cookie (an editor's
    browser) is checked like any form. Made once, at start-up: the schema is
    checked for what cms.api refers to (`assembly.verify`)."""
    assembly.verify(graphene_settings.SCHEMA.graphql_schema)
    view = GraphQLView.as_view(graphiql=settings.CMS_GRAPHIQL)
    protected = csrf_protect(view)

    @csrf_exempt
    def endpoint(request, *args, **kwargs):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return endpoint
