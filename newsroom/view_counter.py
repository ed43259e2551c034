"""Counting article views: atomic, bot-blind, once per client per window.

Both the GraphQL mutation and the plain POST endpoint go through `record_view`.
The count lives in ArticleViewCount, so a view never creates a page revision nor
touches the page row. The increment is an UPDATE ... SET count = count + 1 inside a
transaction: concurrent views queue on the row lock and none is lost, and the count
read back before commit is exactly this view's.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from cms.api import ratelimit
from cms.api.listing import MAX_ID
from cms.clients import client_ip
from cms.content.visibility import visible_pages

from .models import ArticleViewCount, NewsArticlePage

# Crawlers, link previews, monitors and headless browsers announce themselves.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|headless|lighthouse|python-|"
    r"curl/|wget/|httpclient|java/|go-http|scrapy|feed|facebookexternalhit",
    re.IGNORECASE,
)


class ArticleNotFound(Exception):
    """No live, public article has this id."""


def is_bot(user_agent):
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def client_key(request, article_id):
    """A cache key for this client and article; the address is hashed, so the
    cache holds nothing personal.

    The address alone, not the browser: a User-Agent is the client's to choose, so
    with it in the key one client could count a view per made-up browser. The
    price is that readers sharing one address (an office behind one NAT) count
    once per window between them.
    """
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"newsroom:view:{article_id}:{digest}"


def record_view(request, article_id):
    """Count a view of a live, public article; return (count, counted).

    A bot, or a repeat from the same client within CMS_NEWS_VIEW_WINDOW seconds, is not
    counted and gets the current count. A client over its rate limit
    (CMS_RATE_LIMITS["article-view"]) gets RateLimited.
    """
    ratelimit.hit(request, "article-view")
    article = None
    if 0 < article_id <= MAX_ID:
        articles = NewsArticlePage.objects.filter(pk=article_id)
        article = visible_pages(articles).first()
    if article is None:
        raise ArticleNotFound(article_id)
    counted = not is_bot(request.META.get("HTTP_USER_AGENT", "")) and cache.add(
        client_key(request, article_id), True, timeout=settings.CMS_NEWS_VIEW_WINDOW
    )
    if not counted:
        return article.view_count, False
    with transaction.atomic():
        if not ArticleViewCount.objects.filter(pk=article_id).update(
            count=F("count") + 1
        ):
            _create_counter(article_id)
        count = ArticleViewCount.objects.values_list("count", flat=True).get(
            pk=article_id
        )
    return count, True


def _create_counter(article_id):
    """First view of an article without a counter row; another request may be
    creating the same row at the same moment."""
    try:
        with transaction.atomic():
            ArticleViewCount.objects.create(article_id=article_id, count=1)
    except IntegrityError:
        ArticleViewCount.objects.filter(pk=article_id).update(count=F("count") + 1)
