"""`page(token: ...)` and `newsArticle(token: ...)`: the revision a preview token
opens (cms.content.previews), with wrong tokens counted against the client's
`CMS_RATE_LIMITS["preview-token"]`, so guessing is throttled as well as hopeless.

A frontend's preview route is in one language: asked with `locale` (and
`fallback`), the previewed page must be in a locale of that chain, else the error
names the page's locale (`extensions.locale`), so the frontend can send the
editor to its route in that language rather than show a page under the wrong
one. Without `locale`, the page is returned in whichever locale it is. A
zh-hant edition is previewed from its own draft: the automatic conversion of a
zh-hans draft happens when it is published, not for previews.
"""

from cms.content.editions import mark
from cms.content.previews import ExpiredToken, UnknownToken, page_for_token

from . import ratelimit
from .errors import client_error


def page_from_token(request, token, chain=None):
    """The page a token opens, in a locale of `chain` if one is given; a GraphQL
    error that says why when the token is unknown or expired, when the client
    has tried too many wrong tokens, or when the page is in another locale."""
    try:
        ratelimit.check(request, "preview-token")
    except ratelimit.RateLimited as limited:
        raise ratelimit.rate_limited_error(limited) from None
    try:
        page = page_for_token(token)
    except UnknownToken:
        ratelimit.add(request, "preview-token")
        invalid = "The preview token is not valid."
        raise client_error("UNAUTHENTICATED", invalid) from None
    except ExpiredToken:
        raise client_error(
            "UNAUTHENTICATED",
            "The preview token has expired: open the preview from the admin again.",
        ) from None
    if chain is None:
        return page
    if page.locale_id not in {locale.pk for locale in chain}:
        code = page.locale.language_code
        asked = ", ".join(repr(locale.language_code) for locale in chain)
        raise client_error(
            "BAD_USER_INPUT",
            f"This preview token opens a page in locale {code!r}, not {asked}: "
            f"ask with locale: {code!r} (or without locale).",
            locale=code,
        )
    return mark([page], chain)[0]
