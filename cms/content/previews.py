"""Preview tokens: how a frontend shows an editor a page's unpublished revision.

A token is a random value (256 bits) that the admin hands out and the database
keeps, hashed, beside the one revision it opens and the time it stops working
(`CMS_PREVIEW_TOKEN_MAX_AGE` seconds, an hour by default). Nothing about it can be
derived from public ids or from the site's secret key, so it cannot be forged,
only leaked; and a leaked one soon stops working. The admin's preview
(`BasePage.serve_preview`) sends the editor to `CMS_PREVIEW_URL` with a new token;
the frontend passes it to `page(token: ...)` (cms.api.preview, which also
throttles wrong guesses).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import PreviewToken


class UnknownToken(Exception):
    """No preview was handed out with this token."""


class ExpiredToken(Exception):
    """The token's preview is over."""


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
        expires_at=now + timedelta(seconds=settings.CMS_PREVIEW_TOKEN_MAX_AGE),
    )
    return token


def page_for_token(token):
    """The revision a token opens, as a page; UnknownToken or ExpiredToken."""
    found = (
        PreviewToken.objects.filter(key_hash=digest(token))
        .select_related("revision")
        .first()
    )
    if found is None:
        raise UnknownToken
    if found.expires_at <= timezone.now():
        raise ExpiredToken
    return found.revision.as_object()
