"""GraphQL: the `search` root field, and `matching` for listings that take a
`search` argument (newsArticles, memberCompanies).

Results are typed (a union of the registered documents' GraphQL types), each with
its score and an excerpt in which the matched words are marked. Anonymous readers
only ever get what the documents call visible: entries exist only for live pages
and current snippets, and page visibility is checked again at query time. The
index is read through cms.search.engine only, never here, so that another
implementation can answer these fields.
"""

from functools import cache

import graphene
from django.conf import settings
from grapple.registry import registry

from cms.api import ratelimit
from cms.api.assembly import replace, root_query
from cms.api.caching import declare
from cms.api.errors import bad_input
from cms.api.fallback import fallback_argument, locale_chain
from cms.api.locales import locale_argument
from cms.api.pagination import paginate, paginated_type, paging_arguments
from cms.api.selection import asked
from cms.content.editions import mark
from cms.delivery import changes

from .documents import kinds
from .engine import search_index
from .text import TOKEN, Query, suggestion_text

EXCERPT_WIDTH = 100
# Suggestions in a list by default, and at most.
SUGGESTIONS = 8
MAX_SUGGESTIONS = 20


def parse(request, text, argument="query"):
    """The Query for what a reader typed, or a GraphQL error that says what is
    wrong with it, or that the client is over its search rate limit."""
    try:
        ratelimit.hit(request, "search")
    except ratelimit.RateLimited as limited:
        raise ratelimit.rate_limited_error(limited) from None
    limit = settings.CMS_SEARCH_MAX_QUERY_LENGTH
    if text is None or not text.strip():
        raise bad_input(f"{argument} is empty: give the words to search for.")
    if len(text) > limit:
        raise bad_input(
            f"{argument} is {len(text)} characters long; at most {limit} are allowed."
        )
    query = Query(text)
    if not query:
        raise bad_input(
            f"{argument} {text!r} has no letters, digits or Chinese characters to "
            "search for."
        )
    return query


def matching(request, queryset, text, kind, locales, ranked=True):
    """The `search` argument `text` of a listing of one `kind` (visible objects
    in `queryset`), through the configured index (cms.search.engine): a Matched,
    its queryset annotated with `search_score`, and its Count."""
    query = parse(request, text, "search")
    return search_index().matching(queryset, query, kind, locales, ranked)


@cache
def search_item_type():
    """The union of the documents' GraphQL types (`search`'s and
    `searchSuggestions`' items), built once the apps' documents are known."""

    class SearchItem(graphene.Union):
        """The object a search result stands for."""

        class Meta:
            types = tuple(
                dict.fromkeys(
                    t for doc in kinds().values() for t in doc.graphql_types()
                )
            )

        @classmethod
        def resolve_type(cls, instance, info):
            return registry.models[type(instance)]

    return SearchItem


@cache
def search_types():
    """The GraphQL types of `search`, built once the apps' documents are known."""
    documents = kinds()
    search_type = graphene.Enum(
        "SearchType",
        [(kind, kind) for kind in documents],
        description="What a search result is.",
    )
    SearchItem = search_item_type()  # noqa: N806 - a class

    class SearchHit(graphene.ObjectType):
        """One search result."""

        type = graphene.Field(search_type, required=True)
        locale = graphene.String(required=True, description="The result's locale.")
        score = graphene.Float(
            required=True, description="Relevance; higher is better."
        )
        excerpt = graphene.String(
            required=True,
            description="Text around the first match, HTML-escaped, each matched "
            "word in <mark></mark>.",
        )
        item = graphene.Field(SearchItem, required=True)

    results = paginated_type(
        "SearchResults",
        SearchHit,
        "One page of search results, best first.",
        estimates=True,
    )
    return search_type, SearchHit, results


def load_items(request, found, fields, chain=None):
    """{row: its GraphQL item} for index rows (entries or suggestions): each
    document loads its items in a fixed number of queries; with a `chain`, each
    item remembers it (its id and nested fields follow it, as in the
    listings)."""
    documents = kinds()
    items = {}
    for document in {documents[row.kind] for row in found}:
        own = [row for row in found if documents[row.kind] is document]
        results = document.results(request, own, fields)
        items.update(zip(own, mark(results, chain) if chain else results, strict=True))
    return items


def hits(request, query, found, fields, chain=None):
    """SearchHits for one page of index entries (see load_items)."""
    items = load_items(request, found, fields, chain)
    _type, hit_type, _results = search_types()
    return [
        hit_type(
            type=entry.kind,
            locale=entry.locale.language_code,
            score=entry.score,
            excerpt=query.excerpt(
                ["\n".join(filter(None, [entry.summary, entry.body])), entry.title],
                EXCERPT_WIDTH,
            ),
            item=items[entry],
        )
        for entry in found
    ]


def search_query_mixin():
    search_type, _hit, results_type = search_types()

    class SearchQuery:
        # Nullable, as every rate-limited root field: a client over its search
        # limit loses this field only, not the other root fields of its query.
        search = graphene.Field(
            results_type,
            query=graphene.String(
                required=True,
                description="What to look for: Chinese in either script, Latin "
                "words, numbers, or a mix. Text only, never query syntax.",
            ),
            locale=locale_argument(),
            fallback=fallback_argument(),
            all_locales=graphene.Boolean(
                default_value=False,
                description="Search every locale at once (each edition its own "
                "result; `fallback` is then ignored).",
            ),
            types=graphene.List(
                graphene.NonNull(search_type),
                description="Only results of these types; all if left out.",
            ),
            **paging_arguments(settings.CMS_SEARCH_MAX_PER_PAGE),
            description="Search news, committees, units, people and member "
            "companies of one locale (with `fallback`: each item in the first "
            "locale of the chain that has it), best match first.",
        )

        def resolve_search(
            self,
            info,
            query,
            locale=None,
            fallback=None,
            all_locales=False,
            types=None,
            page=None,
            per_page=None,
        ):
            parsed = parse(info.context, query)
            chain = None if all_locales else locale_chain(locale, fallback)
            if types == []:
                raise bad_input("types is empty: leave it out for every type.")
            wanted = [getattr(kind, "value", kind) for kind in types or kinds()]
            ranked = search_index().search(parsed, wanted, chain)
            return paginate(
                results_type,
                ranked,
                page,
                per_page,
                settings.CMS_SEARCH_MAX_PER_PAGE,
                lambda found: hits(
                    info.context, parsed, found, asked(info, "items", "item"), chain
                ),
                ranked.count,
            )

    return SearchQuery


@replace("grapple.types.search", "resolve_search")
def replace_grapple_search(grapple_search):
    """Our `search` in place of grapple's, which searches every model with
    Wagtail's backend (no Chinese words, drafts included)."""
    return search_query_mixin()


@cache
def suggestion_type():
    class SearchSuggestion(graphene.ObjectType):
        """A title or name that starts with or contains what the reader typed."""

        text = graphene.String(
            required=True,
            description="The title or name, as its locale writes it (not "
            "normalised): what to show in the list.",
        )
        type = graphene.Field(search_types()[0], required=True)
        locale = graphene.String(required=True, description="The item's locale.")
        item = graphene.Field(search_item_type(), required=True)

    return SearchSuggestion


def typed_prefix(prefix):
    """`prefix` as suggestions match it (`suggestion_text`), or a GraphQL error
    that says what is wrong with it."""
    limit = settings.CMS_SEARCH_MAX_QUERY_LENGTH
    if not prefix.strip():
        raise bad_input("prefix is empty: give the characters typed so far.")
    if len(prefix) > limit:
        raise bad_input(
            f"prefix is {len(prefix)} characters long; at most {limit} are allowed."
        )
    text = suggestion_text(prefix)
    if not TOKEN.search(text):
        raise bad_input(
            f"prefix {prefix!r} has no letters, digits or Chinese characters to "
            "suggest titles for."
        )
    return text


@root_query
class SearchSuggestionsQuery:
    # Nullable, as every rate-limited root field.
    search_suggestions = graphene.Field(
        graphene.List(graphene.NonNull(lambda: suggestion_type())),
        prefix=graphene.String(
            required=True,
            description="What the reader has typed so far: Chinese in either "
            "script, Latin letters or digits, full-width or half-width.",
        ),
        locale=locale_argument(),
        fallback=fallback_argument(),
        types=graphene.List(
            graphene.NonNull(lambda: search_types()[0]),
            description="Only suggestions of these types; all if left out.",
        ),
        limit=graphene.Int(
            default_value=SUGGESTIONS,
            description=f"How many suggestions, 1 to {MAX_SUGGESTIONS} "
            f"({SUGGESTIONS} if null).",
        ),
        description="Titles and names (news, committees, units, people, member "
        "companies) that start with or contain `prefix`, for a search box's "
        "suggestions while typing: those starting with it first, then by type "
        "(units and committees, people, then news and companies) and newest "
        "first. Locale and fallback as in `search`. Counted against the "
        "client's `suggest` rate limit.",
    )

    def resolve_search_suggestions(
        self, info, prefix, locale=None, fallback=None, types=None, limit=None
    ):
        request = info.context
        try:
            ratelimit.hit(request, "suggest")
        except ratelimit.RateLimited as limited:
            raise ratelimit.rate_limited_error(limited) from None
        text = typed_prefix(prefix)
        # An explicit null means the default, like an omitted argument.
        limit = SUGGESTIONS if limit is None else limit
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise bad_input(f"limit is {limit}; it must be 1 to {MAX_SUGGESTIONS}.")
        if types == []:
            raise bad_input("types is empty: leave it out for every type.")
        chain = locale_chain(locale, fallback)
        wanted = [getattr(kind, "value", kind) for kind in types or kinds()]
        found = search_index().suggest(text, wanted, chain, limit)
        items = load_items(request, found, asked(info, "item"), chain)
        return [
            suggestion_type()(
                text=row.title,
                type=row.kind,
                locale=row.locale.language_code,
                item=items[row],
            )
            for row in found
        ]


declare(
    "Query",
    "searchSuggestions",
    lambda root, info, args, codes: [changes.search_key(code) for code in codes],
)
