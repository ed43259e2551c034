"""A plain HTTP endpoint for counting article views, for sites without a GraphQL
client: POST /api/news/<id>/view/ answers {"viewCount": n, "counted": true|false}."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .view_counter import ArticleNotFound, record_view


@csrf_exempt  # Anonymous and cookie-free: there is no session to forge.
@require_POST
def record_article_view(request, article_id):
    try:
        count, counted = record_view(request, article_id)
    except ArticleNotFound:
        return JsonResponse(
            {"error": f"No published news article has the id {article_id}."},
            status=404,
        )
    return JsonResponse({"viewCount": count, "counted": counted})
