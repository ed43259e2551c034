"""A plain HTTP endpoint for counting article views, for sites without a GraphQL
client: POST /api/news/<id>/view/ answers {"viewCount": n, "counted": true|false}."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.api.ratelimit import RateLimited

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
    except RateLimited as limited:
        response = JsonResponse({"error": str(limited)}, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    return JsonResponse({"viewCount": count, "counted": counted})
