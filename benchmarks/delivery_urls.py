"""The project's URLs and two routes to compare /graphql/ with, for
benchmarks/delivery.py:

- /graphql/trivial/: a small JSON answer, no database and no cache, through the
  same middleware stack as /graphql/ (an API path: the same API middleware);
- /graphql/stock/: graphene-django's own view on the same schema, with none of
  this project's view or GraphQL middleware: stock grapple.
"""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView

from cms.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return JsonResponse({"data": {"ok": True}})


urlpatterns = [
    path("graphql/trivial/", trivial),
    path(
        "graphql/stock/",
        csrf_exempt(
            GraphQLView.as_view(schema=graphene_settings.SCHEMA, middleware=[])
        ),
    ),
    *project_urlpatterns,
]
