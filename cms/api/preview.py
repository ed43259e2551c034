"""Preview tokens: how a frontend shows an editor a page's unpublished revision.

A token is a random value (256 bits) that the admin hands out and the database
keeps, hashed, beside the one revision it opens and the time it stops working
(`PREVIEW_TOKEN_MAX_AGE` seconds, an hour by default). Nothing about it can be
derived from public ids or from the site's secret key, so it cannot be forged,
only leaked; and a leaked one soon stops working. Wrong tokens count against the
client's `RATE_LIMITS["preview-token"]`, so guessing is throttled as well as
hopeless. The admin's preview (`BasePage.serve_preview`) sends the editor to
`PREVIEW_URL` with a new token; the frontend passes it to `page(token: ...)`.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from graphql import GraphQLError

from . import ratelimit
from .models import PreviewToken


def digest(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def make_token(page):
    """A new token for `page`'s latest saved revision (expired ones are removed)."""
    now = timezone.now()
    PreviewToken.objects.filter(expires_at__lte=now).delete()
    token = secrets.token_urlsafe(32)
    PreviewToken.objects.create(
        key_hash=digest(token),
        revision_id=page.latest_revision_id,
        expires_at=now + timedelta(seconds=settings.PREVIEW_TOKEN_MAX_AGE),
    )
    return token


def page_from_token(request, token):
    """The revision a token was made for, as a page; a GraphQL error that says why
    when the token is unknown, expired or for a page that is gone, or when the
    client has tried too many wrong tokens."""
    try:
        ratelimit.check(request, "preview-token")
    except ratelimit.RateLimited as limited:
        raise ratelimit.rate_limited_error(limited) from None
    found = (
        PreviewToken.objects.filter(key_hash=digest(token))
        .select_related("revision")
        .first()
    )
    if found is None:
        ratelimit.add(request, "preview-token")
        raise GraphQLError("The preview token is not valid.")
    if found.expires_at <= timezone.now():
        raise GraphQLError(
            "The preview token has expired: open the preview from the admin again."
        )
    return found.revision.as_object()
