"""Project middleware."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


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
