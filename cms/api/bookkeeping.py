"""What anonymous readers see of a page's editorial bookkeeping.

Grapple exposes every field of Wagtail's Page model on each page type, and some
describe what is not published: `draftTitle` is the newest draft's title,
`hasUnpublishedChanges` and `latestRevisionCreatedAt` tell that a draft exists,
`goLiveAt` when one is scheduled, `locked`/`lockedAt` an editor's work, and
`aliasOf` names the page an alias copies, published or not, and `depth` counts
a draft section above a live page. `PageBookkeeping` (graphene middleware)
answers these from the live page and the visible tree instead. The tree's own
bookkeeping, `path` (whose gaps count hidden siblings) and `numchild` (which
counts hidden children), is not in the schema at all (`TREE_FIELDS`, removed
by cms.api.wagtail_hooks).
"""

from wagtail.models import Page

from cms.content.requests import per_request
from cms.content.visibility import visible_pages

# Fields of grapple's page and collection types that describe the whole tree,
# hidden nodes included.
TREE_FIELDS = ("path", "numchild")


def hidden_sections(request):
    """Paths of the pages with children that readers cannot see (drafts, expired,
    private sections; Wagtail's root aside), once per request: the few pages that
    can sit above a visible one."""
    return per_request(
        request,
        "hidden-sections",
        lambda: list(
            Page.objects.filter(numchild__gt=0, depth__gt=1)
            .exclude(pk__in=visible_pages().values("pk"))
            .values_list("path", flat=True)
        ),
    )


def visible_depth(page, request):
    """The page's depth counting only the visible pages above it."""
    hidden = sum(
        1
        for path in hidden_sections(request)
        if page.path.startswith(path) and path != page.path
    )
    return page.depth - hidden


PUBLIC_VALUES = {
    "draftTitle": lambda page, request: page.title,
    "hasUnpublishedChanges": lambda page, request: False,
    "latestRevisionCreatedAt": lambda page, request: page.last_published_at,
    "goLiveAt": lambda page, request: None,
    "locked": lambda page, request: False,
    "lockedAt": lambda page, request: None,
    "aliasOf": lambda page, request: (
        visible_pages().filter(pk=page.alias_of_id).first()
        if page.alias_of_id
        else None
    ),
    "depth": visible_depth,
}


class PageBookkeeping:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        public = PUBLIC_VALUES.get(info.field_name)
        if public is not None and isinstance(root, Page):
            return public(root, info.context)
        return next(root, info, **args)
