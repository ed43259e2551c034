"""Wagtail hooks of the API layer: the schema's assembly (cms.api.assembly), rich
text that links only to what readers may see, Wagtail's HTML routes hiding
expired pages as the API does, and the admin of frontend tokens."""

from django.http import Http404
from wagtail import hooks

from cms.content.visibility import is_expired

from . import assembly
from .media import (
    PublicDocumentLinkHandler,
    PublicImageEmbedHandler,
    VisiblePageLinkHandler,
)
from .viewsets import FrontendTokenViewSet


@hooks.register("register_schema_query", order=1)
def assemble_query(query_mixins):
    """After grapple's own hooks (order 0): see cms.api.assembly."""
    assembly.assemble_query(query_mixins)


@hooks.register("register_schema_mutation", order=1)
def assemble_mutation(mutation_mixins):
    assembly.assemble_mutation(mutation_mixins)


@hooks.register("register_rich_text_features", order=1)
def link_only_to_what_readers_may_see(features):
    """After Wagtail's own (order 0): links to hidden pages and restricted
    documents lose their target, restricted images are left out (cms.api.media)."""
    features.register_link_type(VisiblePageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)
    features.register_embed_type(PublicImageEmbedHandler)


@hooks.register("before_serve_page")
def hide_expired_pages(page, request, serve_args, serve_kwargs):
    """Wagtail's own page routes follow `visible_pages` too: a page past its
    expiry is a 404 at once, not only once publish_scheduled has run."""
    if is_expired(page):
        raise Http404


@hooks.register("register_admin_viewset")
def register_frontend_tokens():
    return FrontendTokenViewSet("frontend_tokens", url_prefix="frontend-tokens")
