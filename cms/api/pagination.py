"""Page-numbered lists: the one shape every paginated root field answers with.

`paginated_type("NewsArticleList", item_type)` makes the GraphQL type, and
`paginate(...)` checks the arguments and fills it, so every listing accepts the same
arguments, gives the same errors and reports the same counts.
"""

import graphene

from .errors import bad_input

MAX_PAGE = 10**6
DEFAULT_PER_PAGE = 10


def check_range(name, value, low, high):
    if value is not None and not low <= value <= high:
        raise bad_input(f"{name} must be between {low} and {high}, not {value}.")


def paginated_type(name, item_type, description):
    """A GraphQL type for one page of `item_type`s with the counts a paginator needs."""
    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": description,
            "items": graphene.List(graphene.NonNull(item_type), required=True),
            "total_count": graphene.Int(required=True),
            "page": graphene.Int(required=True),
            "per_page": graphene.Int(required=True),
            "num_pages": graphene.Int(required=True),
            "has_next_page": graphene.Boolean(required=True),
            "has_previous_page": graphene.Boolean(required=True),
        },
    )


def paging_arguments(max_per_page):
    return {
        "page": graphene.Int(description="Page number, from 1."),
        "per_page": graphene.Int(
            description=f"Items per page, 1 to {max_per_page}; {DEFAULT_PER_PAGE} "
            "if left out."
        ),
    }


def paginate(result_type, queryset, page, per_page, max_per_page, load=list):
    """Fill `result_type` with one page of `queryset`. An explicit null page or
    perPage means the default; `load` turns the sliced queryset into the items."""
    page = 1 if page is None else page
    per_page = DEFAULT_PER_PAGE if per_page is None else per_page
    check_range("perPage", per_page, 1, max_per_page)
    check_range("page", page, 1, MAX_PAGE)
    total = queryset.count()
    start = (page - 1) * per_page
    num_pages = max(1, -(-total // per_page))
    return result_type(
        items=load(queryset[start : start + per_page]),
        total_count=total,
        page=page,
        per_page=per_page,
        num_pages=num_pages,
        has_next_page=page < num_pages,
        has_previous_page=page > 1,
    )
