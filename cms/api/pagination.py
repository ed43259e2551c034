"""Page-numbered lists: the one shape every paginated root field answers with.

`paginated_type("NewsArticleList", item_type)` makes the GraphQL type, and
`paginate(...)` checks the arguments and fills it, so every listing accepts the same
arguments, gives the same errors and reports the same counts.

A list that can be searched (`estimates=True`) also says whether its totalCount
is exact: counting every match of a common word at scale costs as much as the
search itself, so a search above `CMS_SEARCH_EXACT_LIMIT` matches reports an
estimate (`Count`, made by cms.search.engine) and `totalCountIsEstimate: true`.
"""

from dataclasses import dataclass

import graphene

from .errors import bad_input

MAX_PAGE = 10**6
DEFAULT_PER_PAGE = 10


@dataclass(frozen=True)
class Count:
    """How many items a list has: `total`, an estimate when `estimate`; of them,
    only the first `reachable` can be paged through when it is set (a search
    that ranked only its best candidates), else all."""

    total: int
    estimate: bool = False
    reachable: int | None = None


def check_range(name, value, low, high):
    if value is not None and not low <= value <= high:
        raise bad_input(f"{name} must be between {low} and {high}, not {value}.")


def paginated_type(name, item_type, description, estimates=False):
    """A GraphQL type for one page of `item_type`s with the counts a paginator
    needs; with `estimates`, the flag that says totalCount is an estimate."""
    fields = {
        "__doc__": description,
        "items": graphene.List(graphene.NonNull(item_type), required=True),
        "total_count": graphene.Int(required=True),
        "page": graphene.Int(required=True),
        "per_page": graphene.Int(required=True),
        "num_pages": graphene.Int(required=True),
        "has_next_page": graphene.Boolean(required=True),
        "has_previous_page": graphene.Boolean(required=True),
    }
    if estimates:
        fields["total_count_is_estimate"] = graphene.Boolean(
            required=True,
            description="True when a search found more matches than are counted "
            "exactly: totalCount is then an estimate, and numPages counts the "
            "pages of the best-ranked matches, the only ones that can be opened "
            "(a later page is empty). False for an exact totalCount.",
        )
    return type(name, (graphene.ObjectType,), fields)


def paging_arguments(max_per_page):
    return {
        "page": graphene.Int(description="Page number, from 1."),
        "per_page": graphene.Int(
            description=f"Items per page, 1 to {max_per_page}; {DEFAULT_PER_PAGE} "
            "if left out."
        ),
    }


def paginate(result_type, items, page, per_page, max_per_page, load=list, count=None):
    """Fill `result_type` with one page of `items` (a queryset, or anything that
    slices). An explicit null page or perPage means the default; `load` turns the
    slice into the items; `count` (a Count) is `items.count()` exactly if not
    given."""
    page = 1 if page is None else page
    per_page = DEFAULT_PER_PAGE if per_page is None else per_page
    check_range("perPage", per_page, 1, max_per_page)
    check_range("page", page, 1, MAX_PAGE)
    count = Count(items.count()) if count is None else count
    pageable = count.total if count.reachable is None else count.reachable
    start = (page - 1) * per_page
    stop = start + per_page
    if count.reachable is not None:
        stop = max(start, min(stop, count.reachable))
    num_pages = max(1, -(-pageable // per_page))
    estimates = "total_count_is_estimate" in result_type._meta.fields
    return result_type(
        items=load(items[start:stop]),
        total_count=count.total,
        page=page,
        per_page=per_page,
        num_pages=num_pages,
        has_next_page=page < num_pages,
        has_previous_page=page > 1,
        **({"total_count_is_estimate": count.estimate} if estimates else {}),
    )
