"""Frontend tokens: how a trusted frontend (a site's server, a static build) says
who it is, to get its own rate limits instead of sharing its address's.

Editors with the permission make one token per frontend in the admin (Settings >
Frontend tokens, cms.api.viewsets), see it once, and revoke it there. The
frontend sends it on every API request as `Authorization: Bearer <token>`;
`FrontendTokens` (middleware on /graphql/ and /api/) finds it and leaves it on
the request for cms.api.ratelimit.client and the access log (cms.observability).
A token opens no content: it sees what anonymous readers see (previews have
their own tokens, cms.content.previews); with trusted documents on, a token
may be allowed queries that are not registered (cms.api.persisted). A token
that is unknown or revoked is refused with 401 before anything runs, so a
frontend notices at once instead of falling back to its address's limits.
"""

import hashlib
import json
import secrets
from datetime import timedelta

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from .errors import is_api
from .models import FrontendToken
from .views import media_type

# Every token starts so (secret scanners and people recognise it), then a random
# part that is shown in the admin and the logs, then 256 secret random bits.
KIND = "cmsft_"
# last_used_at is written at most this often per token, not on every request.
USE_RESOLUTION = timedelta(minutes=1)


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def issue(token):
    """Give the unsaved FrontendToken `token` its secret and save it; return the
    secret, which exists nowhere else afterwards."""
    token.prefix = f"{KIND}{secrets.token_hex(4)}"
    secret = f"{token.prefix}_{secrets.token_urlsafe(32)}"
    token.key_hash = digest(secret)
    token.save()
    return secret


def bearer(request):
    """The token of an `Authorization: Bearer <token>` header ("" if empty), or
    None without one (another scheme, e.g. a staging proxy's Basic, is not ours)."""
    scheme, _space, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def touch(token):
    """Record that `token` was used now, at most once per USE_RESOLUTION (the
    condition in the UPDATE keeps concurrent processes from all writing)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < USE_RESOLUTION:
        return
    FrontendToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - USE_RESOLUTION),
        pk=token.pk,
    ).update(last_used_at=now)


def unauthenticated(request, message):
    """The 401 for a token that opens nothing, as GraphQL errors in the media
    type the client asked for (cms.api.views.media_type)."""
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    response = HttpResponse(
        json.dumps(body, separators=(",", ":")),
        status=401,
        content_type=f"{media_type(request)}; charset=utf-8",
    )
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


class FrontendTokens:
    """Middleware: a request to an API route with a bearer token is its
    frontend's (`request.frontend_token`); an unknown or revoked token is a 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        secret = bearer(request) if is_api(request) else None
        if secret is None:
            return self.get_response(request)
        token = FrontendToken.objects.filter(key_hash=digest(secret)).first()
        if token is None:
            return unauthenticated(request, "The frontend token is not valid.")
        if token.revoked_at is not None:
            return unauthenticated(
                request,
                "The frontend token was revoked: ask the site's editors for a new one.",
            )
        request.frontend_token = token
        touch(token)
        return self.get_response(request)
