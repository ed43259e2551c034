"""What anonymous readers see of a page's editorial bookkeeping.

Grapple exposes every field of Wagtail's Page model on each page type, and some
describe what is not published: `draftTitle` is the newest draft's title,
`hasUnpublishedChanges` and `latestRevisionCreatedAt` tell that a draft exists,
`goLiveAt` when one is scheduled, `locked`/`lockedAt` an editor's work, and
`aliasOf` names the page an alias copies, published or not. `PageBookkeeping`
(graphene middleware) answers these from the live page instead.
"""

from wagtail.models import Page

from .visibility import visible_pages

PUBLIC_VALUES = {
    "draftTitle": lambda page: page.title,
    "hasUnpublishedChanges": lambda page: False,
    "latestRevisionCreatedAt": lambda page: page.last_published_at,
    "goLiveAt": lambda page: None,
    "locked": lambda page: False,
    "lockedAt": lambda page: None,
    "aliasOf": lambda page: (
        visible_pages().filter(pk=page.alias_of_id).first()
        if page.alias_of_id
        else None
    ),
}


class PageBookkeeping:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        public = PUBLIC_VALUES.get(info.field_name)
        if public is not None and isinstance(root, Page):
            return public(root)
        return next(root, info, **args)
