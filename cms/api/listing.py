"""What every page list of the API shares: visibility, ids, ordering, batching."""

from grapple.utils import resolve_queryset
from wagtail.search.utils import parse_query_string

from cms.content.editions import row_id
from cms.content.requests import per_request
from cms.content.visibility import visible_pages

from .errors import bad_input
from .seo import ImageLoader
from .status import StatusLoader
from .translations import TranslationLoader


def visible_parent(page, request):
    """The live, public parent of `page`, or None (also for a home page, whose
    parent is Wagtail's root). Remembered per request, since the items of a list
    mostly share one parent."""
    path = page.path[: -page.steplen]
    return per_request(
        request,
        ("visible-parent", path),
        lambda: visible_pages().filter(path=path).specific().first(),
    )


MAX_ID = 2**63 - 1  # the largest id any of our databases stores


def page_id(value, argument):
    """A page id argument as an integer (of an id as the API gives them, chain
    and all: cms.content.editions.edition_id), or a GraphQL error naming the
    argument."""
    try:
        number = int(row_id(value)[0])
    except (TypeError, ValueError):
        number = 0
    if not 0 < number <= MAX_ID:
        raise bad_input(
            f"{argument} must be a page id (a positive whole number), not {value!r}."
        )
    return number


def searchable(pages):
    """`pages` as Wagtail's search backends can search them: they filter only by
    indexed fields, not by the expiry, EXISTS or paths that decide visibility,
    so the search runs among the ids."""
    return pages.model.objects.filter(pk__in=list(pages.values_list("pk", flat=True)))


def page_listing(pages, order=None, search_query=None, in_menu=None):
    """Grapple's list filters on `pages`, unsliced, for a paginated field:
    `inMenu`, `order` (checked before execution by cms.api.orders), then
    `searchQuery` (by relevance unless ordered)."""
    if in_menu is not None:
        pages = pages.in_menu() if in_menu else pages.not_in_menu()
    if order:
        pages = pages.order_by(*(part.strip() for part in order.split(",")))
    if not search_query:
        return pages.specific()
    _filters, query = parse_query_string(search_query, "and")
    return (
        searchable(pages)
        .order_by(*pages.query.order_by)
        .specific()
        .search(query, order_by_relevance=not order, operator="and")
    )


def page_list(pages, info, order=None, **kwargs):
    """Evaluate a page list field: grapple's arguments (limit, offset, searchQuery,
    inMenu, id, and `order`, which cms.api.orders checked before execution) with a
    checked id; then prime the translation loader."""
    if kwargs.get("id") is not None:
        kwargs["id"] = page_id(kwargs["id"], "id")
    if kwargs.get("search_query"):
        pages = searchable(pages)
    results = list(resolve_queryset(pages.specific(), info, order=order, **kwargs))
    prime(info.context, results)
    return results


def prime(request, pages):
    """Tell the per-request loaders about a list of pages, so that `translations`,
    `translationStatus` (and the alternates made from it) and `ogImage` load for
    the whole list at once."""
    TranslationLoader.for_request(request).prime(pages)
    StatusLoader.for_request(request).prime(pages)
    ImageLoader.for_request(request).prime(pages)
