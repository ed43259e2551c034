"""Locale-correct `pages`, `page` and `locales` root fields.

These replace grapple's `pages` and `page`, which have no locale argument (languages
come back mixed), look only under the default site root for `inSite` (translated
trees disappear), fail with MultipleObjectsReturned as soon as two locales share a
slug, and match `urlPath` by suffix in whichever locale comes first. Here every lookup
happens inside one locale (the default one unless `locale` says otherwise) and a
site's root means that root's translation in the requested locale.
"""

import graphene
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from grapple.types.interfaces import get_page_interface
from grapple.types.pages import get_site_filter
from wagtail.models import Locale, Page, Site

from cms.content.editions import (
    below,
    first_in_chain,
    first_of,
    mark,
    resolved,
    row_id,
)
from cms.content.visibility import visible_pages

from .errors import bad_input
from .fallback import fallback_argument, locale_chain
from .listing import page_id, page_listing, prime
from .locales import locale_argument, site_locales
from .orders import PAGE_ORDERS, register
from .pagination import paginate, paginated_type, paging_arguments
from .preview import page_from_token
from .seo import MAX_PER_PAGE

PREVIEW_HELP = (
    "A preview token from the admin's preview: opens one revision of one page, "
    "for an hour. With `locale`, the page must be in that locale (or in "
    "`fallback`); the error otherwise names the page's locale in "
    "`extensions.locale`."
)


def content_type_filter(value):
    """Q for a comma-separated list of `app.Model` content types."""
    condition = Q()
    for name in value.split(","):
        app_label, _dot, model = name.strip().lower().partition(".")
        try:
            content_type = ContentType.objects.get(app_label=app_label, model=model)
        except ContentType.DoesNotExist:
            raise bad_input(
                f"Unknown content type {name.strip()!r}: use app.Model, "
                "e.g. newsroom.NewsArticlePage."
            ) from None
        condition |= Q(content_type=content_type)
    return condition


def localized_root(site, locale):
    """The site's root page in `locale`: the root itself or its translation."""
    root = site.root_page
    if root.locale_id == locale.pk:
        return root
    return root.get_translation_or_none(locale)


def in_site(queryset, info, locales, kwargs):
    """Restrict to the requested site's tree; None when the site has no such tree.

    `inSite` (the site serving this request) and `site` (a hostname) are grapple's
    arguments; without either, the queryset is returned unchanged. The tree is the
    site root's translation in each of `locales`, or with None every translation.
    """
    if not (kwargs.get("in_site") or kwargs.get("site") is not None):
        return queryset
    site = get_site_filter(info, **kwargs)
    if site is None:
        return None
    if locales is None:
        roots = site.root_page.get_translations(inclusive=True)
    else:
        roots = [r for loc in locales if (r := localized_root(site, loc))]
    if not roots:
        return None
    condition = Q()
    for root in roots:
        condition |= queryset.descendant_of_q(root, inclusive=True)
    return queryset.filter(condition)


def listed_pages(info, locale, fallback, content_type, parent, ancestor, kwargs):
    """The pages `pages` lists before its searchQuery, inMenu and order, and the
    locale chain; takes inSite and site out of `kwargs`, leaving those three."""
    pages = visible_pages()
    site_arguments = {name: kwargs.pop(name, None) for name in ("in_site", "site")}
    if parent or ancestor:
        argument = "parent" if parent else "ancestor"
        anchor = pages.filter(pk=page_id(parent or ancestor, argument)).first()
        if anchor is None:
            return pages.none(), locale_chain(locale, fallback)
        # Below a page means in that page's locale, unless `locale` says otherwise.
        chain = locale_chain(locale or anchor.locale, fallback)
        relation = "child_of" if parent else "descendant_of"
        pages = below(anchor, chain, lambda a: getattr(pages, relation)(a))
    else:
        chain = locale_chain(locale, fallback)
    pages = resolved(pages, visible_pages(), chain)
    pages = in_site(pages, info, chain, site_arguments)
    if pages is None:
        return visible_pages().none(), chain
    if content_type:
        pages = pages.filter(content_type_filter(content_type))
    return pages, chain


class LocaleType(graphene.ObjectType):
    """A content locale of the site, for language switchers."""

    code = graphene.String(required=True, description="Language code, e.g. zh-hant.")
    name = graphene.String(required=True, description="The language's own name.")
    is_default = graphene.Boolean(required=True)

    class Meta:
        name = "Locale"


PageList = paginated_type(
    "PageList",
    get_page_interface,
    "One page of a page listing, with the counts a paginator needs.",
)
register("PageList", PAGE_ORDERS, several=True)


class LocalePagesQuery:
    """Root fields `pages`, `page` and `locales`, locale-aware."""

    locales = graphene.List(
        graphene.NonNull(LocaleType),
        required=True,
        description="The site's content locales, default first.",
    )
    # Nullable, as every rate-limited root field: a client over its search limit
    # (searchQuery) loses this field only, not the other root fields of its query.
    pages = graphene.Field(
        lambda: PageList,
        locale=locale_argument(),
        fallback=fallback_argument(),
        content_type=graphene.String(
            description="Comma-separated content types in app.Model notation."
        ),
        in_site=graphene.Boolean(
            default_value=False,
            description="Only pages of the site serving this request.",
        ),
        site=graphene.String(description="Only pages of the site with this hostname."),
        ancestor=graphene.ID(
            description=(
                "Only descendants of this page (of its edition in `locale`, if given)."
            )
        ),
        parent=graphene.ID(
            description=(
                "Only children of this page (of its edition in `locale`, if given); "
                "takes precedence over ancestor."
            )
        ),
        search_query=graphene.String(description="Only pages matching these words."),
        in_menu=graphene.Boolean(description="Only pages shown (or not) in menus."),
        order=graphene.String(
            description="Comma-separated fields, e.g. -first_published_at,title; "
            "tree order if left out (relevance with searchQuery)."
        ),
        **paging_arguments(MAX_PER_PAGE),
        description=(
            "Live, public pages of one locale, in tree order by default, one page "
            "of them with the total count."
        ),
    )
    page = graphene.Field(
        get_page_interface(),
        id=graphene.ID(
            description="The page with this id; `locale`, if given, must match it."
        ),
        slug=graphene.String(description="The page with this slug in the locale."),
        url_path=graphene.String(
            description=(
                "Path below the locale's home page, e.g. '/' for the home page or "
                "'/news/'; the language prefix of the page's url is not part of it."
            )
        ),
        token=graphene.String(description=PREVIEW_HELP),
        locale=locale_argument(),
        fallback=fallback_argument(),
        content_type=graphene.String(description="Content type in app.Model notation."),
        in_site=graphene.Boolean(
            default_value=False,
            description="Only pages of the site serving this request.",
        ),
        site=graphene.String(description="Only pages of the site with this hostname."),
        description=(
            "One live, public page, by id, slug or urlPath (in that precedence), "
            "looked up inside one locale."
        ),
    )

    def resolve_locales(self, info):
        default = Locale.get_default()
        return [
            LocaleType(
                code=loc.language_code,
                name=loc.get_display_name(),
                is_default=loc.pk == default.pk,
            )
            for loc in site_locales()
        ]

    def resolve_pages(
        self,
        info,
        locale=None,
        fallback=None,
        content_type=None,
        parent=None,
        ancestor=None,
        page=None,
        per_page=None,
        **kwargs,
    ):
        pages, chain = listed_pages(
            info, locale, fallback, content_type, parent, ancestor, kwargs
        )
        pages = page_listing(pages, **kwargs)

        def load(items):
            items = list(items)
            prime(info.context, items)
            return mark(items, chain)

        return paginate(PageList, pages, page, per_page, MAX_PER_PAGE, load)

    def resolve_page(
        self,
        info,
        id=None,
        slug=None,
        url_path=None,
        token=None,
        locale=None,
        fallback=None,
        content_type=None,
        **kwargs,
    ):
        if token:
            chain = locale_chain(locale, fallback) if locale or fallback else None
            page = page_from_token(info.context, token, chain)
            if (
                content_type
                and not Page.objects.filter(content_type_filter(content_type))
                .filter(pk=page.pk)
                .exists()
            ):
                return None
            return page
        pages = visible_pages()
        if content_type:
            pages = pages.filter(content_type_filter(content_type))
        return one_page(info, pages, id, slug, url_path, locale, fallback, kwargs)


def specific(pages):
    """`pages` as their own page types: a queryset of one page type is already
    (Wagtail's `specific()` would read every row twice more)."""
    return pages.specific() if pages.model is Page else pages


def as_specific(page):
    """`page` as its own page type (reading its content type only when it is
    a plain Page)."""
    return page.specific if type(page) is Page else page


def one_page(info, pages, id, slug, url_path, locale, fallback, kwargs):
    """The page of `pages` (visible pages, of one type or all) that `page` and
    the page type's own root fields (`newsArticle`) name by id, slug or urlPath
    in a locale chain, or None."""
    if id is None and slug is None and url_path is None:
        raise bad_input("page needs one of id, slug, urlPath or token.")
    if id is not None and locale is None and not fallback:
        # An id read through a chain ("12@en,zh-hans") is read through it again.
        codes = row_id(id)[1]
        locale, fallback = (codes[0], codes[1:]) if codes else (None, None)
    if id is not None:
        # An id names one edition, in any locale of the site.
        site_pages = in_site(pages, info, None, kwargs)
        found = (
            None
            if site_pages is None
            else site_pages.filter(pk=page_id(id, "id")).first()
        )
        if locale is None and not fallback:
            return found and as_specific(found)
    chain = locale_chain(locale, fallback)
    if id is None and slug is not None:
        return by_slug(pages, info, chain, slug, kwargs)
    if id is None:
        found = next(
            (
                page
                for candidate in chain
                if (page := find_page(pages, info, candidate, url_path, kwargs))
            ),
            None,
        )
    if not found:
        return None
    if len(chain) == 1:
        # Without fallback, the edition asked for or none.
        return as_specific(found) if found.locale_id == chain[0].pk else None
    if found.locale_id == chain[0].pk:
        # In the chain's first locale: no edition comes before it.
        return mark([as_specific(found)], chain)[0]
    # With a chain, the id, slug or path stands for the item: its edition in
    # the first locale of the chain that has a visible one.
    editions = in_site(
        pages.filter(translation_key=found.translation_key), info, chain, kwargs
    )
    if editions is None:
        return None
    return first_in_chain(specific(editions), chain)


def by_slug(pages, info, chain, slug, kwargs):
    """The page `slug` names through the chain, or None: the page with that slug
    in the first locale of the chain that has one stands for its item, which is
    shown in the first locale of the chain that has a visible edition of it.
    One query for all of that (with the site's tree, if asked, as `in_site`
    reads it): the pages of the chain with the slug and their editions."""
    pages = in_site(pages.filter(locale__in=chain), info, chain, kwargs)
    if pages is None:
        return None
    named = pages.filter(slug=slug).values("translation_key")
    rows = list(specific(pages.filter(translation_key__in=named)))
    for locale in chain:
        found = [r for r in rows if r.slug == slug and r.locale_id == locale.pk]
        if len(found) > 1:
            raise bad_input(
                f"Several pages in locale {locale.language_code!r} have the slug "
                f"{slug!r}; ask by urlPath or id instead."
            )
        if found:
            key = found[0].translation_key
            page = first_of([r for r in rows if r.translation_key == key], chain)
            return page if len(chain) > 1 else as_specific(found[0])
    return None


def find_page(pages, info, locale, url_path, kwargs):
    """The page a urlPath names in one locale, or None."""
    pages = in_site(pages.filter(locale=locale), info, [locale], kwargs)
    if pages is None:
        return None
    site = (
        get_site_filter(info, **kwargs)
        or Site.objects.filter(is_default_site=True).first()
    )
    root = site and localized_root(site, locale)
    if root is None:
        return None
    path = url_path.strip("/")
    full_path = f"{root.url_path}{path}/" if path else root.url_path
    return specific(pages.filter(url_path=full_path)).first()
