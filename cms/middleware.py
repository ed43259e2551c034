"""Project middleware."""

from urllib.parse import urlparse

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

from cms.content.visibility import visible_pages


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that a view's own 404 stays a 404.

    Django answers a 404 on a URL without a language prefix with a redirect to the
    prefixed URL whenever that one resolves; under the prefix, Wagtail's page route
    resolves everything, so a JSON API saying "no such article" would instead send
    the client to an HTML page. Only URLs that matched no view are redirected.
    """

    def process_response(self, request, response):
        result = super().process_response(request, response)
        if result is not response and getattr(request, "resolver_match", None):
            return response
        return result


class RedirectMiddleware:
    """Wagtail's redirects (`wagtail.contrib.redirects`), except that a redirect to
    a page readers cannot see (a draft, a private or expired page) stays the 404
    it answers: a 301 would hand out the hidden page's URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        found = get_redirect(request, path) or get_redirect(
            request, urlparse(path).path
        )
        if found is None or found.link is None:
            return response
        if found.redirect_page_id and not (
            visible_pages().filter(pk=found.redirect_page_id).exists()
        ):
            return response
        if found.is_permanent:
            return HttpResponsePermanentRedirect(found.link)
        return HttpResponseRedirect(found.link)
