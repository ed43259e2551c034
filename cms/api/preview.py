"""Preview tokens: how a frontend shows an editor a page's unpublished revision.

A token is signed with the site's secret and names one revision of one page: it
opens that revision and nothing else, and only for `PREVIEW_TOKEN_MAX_AGE`
seconds (an hour by default), so a token that leaks from a browser history or a
shared link soon stops working. The admin's preview (`BasePage.serve_preview`)
sends the editor to `PREVIEW_URL` with a new token; the frontend passes it to
`page(token: ...)`.
"""

from django.conf import settings
from django.core import signing
from graphql import GraphQLError
from wagtail.models import Page

SALT = "cms.api.preview"


def make_token(page):
    """A token for `page`'s latest saved revision."""
    return signing.dumps(
        {"page": page.pk, "revision": page.latest_revision_id}, salt=SALT
    )


def page_from_token(token):
    """The revision a token was made for, as a page; a GraphQL error that says why
    when the token is expired, altered or for a page that is gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise GraphQLError(
            "The preview token has expired: open the preview from the admin again."
        ) from None
    except signing.BadSignature:
        raise GraphQLError("The preview token is not valid.") from None
    page = Page.objects.filter(pk=data["page"]).first()
    revision = page and page.revisions.filter(pk=data["revision"]).first()
    if revision is None:
        raise GraphQLError("The previewed page or revision no longer exists.")
    return revision.as_object()
