"""The /graphql/ endpoint."""

import json

from graphene_django.views import GraphQLView as BaseGraphQLView


class GraphQLView(BaseGraphQLView):
    """graphene-django's view, answering in UTF-8 JSON.

    The stock view escapes every Chinese character as \\uXXXX: valid, but twice the
    bytes on the wire and unreadable in logs and curl. Here text is sent as text.
    """

    def json_encode(self, request, d, pretty=False):
        if self.pretty or pretty or request.GET.get("pretty"):
            return json.dumps(
                d, sort_keys=True, indent=2, separators=(",", ": "), ensure_ascii=False
            )
        return json.dumps(d, separators=(",", ":"), ensure_ascii=False)
