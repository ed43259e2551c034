"""Preview tokens: how a frontend shows an editor a page's unpublished revision.

A token is a random value (256 bits) that the admin hands out and the database
keeps, hashed, beside the page state it opens (the edit form's, unsaved changes
included, with the page's latest revision) and the time it stops working
(`CMS_PREVIEW_TOKEN_MAX_AGE` seconds, an hour by default). Nothing about it can be
derived from public ids or from the site's secret key, so it cannot be forged,
only leaked; and a leaked one soon stops working. The admin's preview
(`BasePage.serve_preview`) sends the editor to the frontend's preview URL for the
page's site and locale (`frontend_preview_url`) with a new token, one per refresh
of Wagtail's live preview panel; the frontend passes it to `page(token: ...)`
(cms.api.preview, which also throttles wrong guesses).

These are the project's own tokens rather than wagtail-headless-preview's
(installed as grapple's dependency): its tokens are signed with the secret key and
name the page, and this project keeps nothing a key holder could forge.
"""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import PreviewToken


class UnknownToken(Exception):
    """No preview was handed out with this token."""


class ExpiredToken(Exception):
    """The token's preview is over."""


def digest(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@cache
def parse_preview_urls(value):
    """{key: URL} from CMS_PREVIEW_URL's text, comma-separated entries: `URL`
    (every page), `code=URL` (a locale), `host=URL` (a site, by its hostname),
    `host/code=URL` (a locale of a site). `key=` with no URL: no frontend there
    (the reading template). A loud error for anything else."""
    urls = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        bare = entry.startswith(("https://", "http://"))
        key, _equals, url = ("", "", entry) if bare else entry.partition("=")
        if url and not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"CMS_PREVIEW_URL: {entry!r} is not `key=URL` or a URL starting "
                "with https:// or http://."
            )
        urls[key.strip().lower()] = url.strip()
    return urls


def frontend_preview_url(page):
    """The frontend preview URL for `page` ({token} and {locale} to replace), the
    most specific entry first: its site and locale, its site, its locale, every
    page; "" when there is none."""
    urls = parse_preview_urls(settings.CMS_PREVIEW_URL)
    if not urls:
        return ""
    code = page.locale.language_code.lower()
    site = page.get_site()
    host = site.hostname.lower() if site else ""
    for key in (f"{host}/{code}", host, code, ""):
        if key in urls:
            return urls[key]
    return ""


def make_token(page):
    """A new token for `page` as it is now, saved or not (the admin's preview
    builds it from the edit form), tied to its latest revision (expired tokens
    are removed)."""
    now = timezone.now()
    PreviewToken.objects.filter(expires_at__lte=now).delete()
    token = secrets.token_urlsafe(32)
    PreviewToken.objects.create(
        key_hash=digest(token),
        revision_id=page.latest_revision_id,
        content=page.serializable_data(),
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
    if found.content is None:
        return found.revision.as_object()
    return found.revision.content_object.with_content_json(found.content)
