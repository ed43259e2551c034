"""`page(token: ...)`: the revision a preview token opens (cms.content.previews),
with wrong tokens counted against the client's `CMS_RATE_LIMITS["preview-token"]`, so
guessing is throttled as well as hopeless."""

from cms.content.previews import ExpiredToken, UnknownToken, page_for_token

from . import ratelimit
from .errors import client_error


def page_from_token(request, token):
    """The page a token opens; a GraphQL error that says why when the token is
    unknown or expired, or when the client has tried too many wrong tokens."""
    try:
        ratelimit.check(request, "preview-token")
    except ratelimit.RateLimited as limited:
        raise ratelimit.rate_limited_error(limited) from None
    try:
        return page_for_token(token)
    except UnknownToken:
        ratelimit.add(request, "preview-token")
        invalid = "The preview token is not valid."
        raise client_error("UNAUTHENTICATED", invalid) from None
    except ExpiredToken:
        raise client_error(
            "UNAUTHENTICATED",
            "The preview token has expired: open the preview from the admin again.",
        ) from None
