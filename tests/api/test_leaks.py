"""The leak matrix: anonymous requests see only live, public, current content.

Rows are content states. Each state is built once for this module with a marker
of its own (`zq<state>zq`) in every text a leak could show: title, slug, summary,
body, tag, file name. Columns are the ways to reach content: every root field of
the schema (the list is read from the schema itself, so a new root field without
a case fails `test_every_root_field_has_a_case`) and the nested relations of a
page (parent, children, ancestors, siblings, translations, related articles, body
blocks, ...). A cell sends its column's anonymous query to /graphql/ and fails
when its row's marker appears anywhere in the JSON answer. Each column also has a
control, `test_path_shows_live_content`: live public content reached the same
way must be in the answer, so a path that returns nothing cannot pass.

One more column is Wagtail's own HTML route: `test_html_route_shows_no_secret`
GETs the URL of every locale edition of each secret page, its redirect and its
anchor, and the marker must not be in the answer (a 404, the password form or the
login redirect are fine: they only repeat the URL that was asked for); its control
is the anchor's HTML with the live text.

Privacy belongs to the content, not to one edition: the `restricted_*` states
restrict one edition (after the automatic zh-hant sync made the other, on the
source only, on a section in one locale) and check the editions in the others.
The automatic sync waits for the commit, which the world never makes: `synced`
runs it at once.

Every secret page has a live, public "anchor" article next to it that points at
it every way the models allow: a rich-text link in its body, shared tags and
category (related articles), the neighbouring date (previous/next article), a
redirect to it, and for the translation state the anchor is the source.

The page selection `...P` is generated from the schema: every scalar field of
every page type (draftTitle, seoTitle, ...) and their images, documents, body
blocks, categories and translation statuses, so a new field is checked too.

States the project cannot have are checked by construction instead: no snippet
model has draft states (DraftStateMixin), and no StreamField has a page or
snippet chooser block.
"""

import datetime
import json
import uuid
from dataclasses import dataclass, field
from io import StringIO
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import wagtail_factories
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from django.utils.html import escape
from graphql import GraphQLEnumType, GraphQLScalarType, get_named_type, is_non_null_type
from grapple.schema import schema
from taggit.models import Tag
from wagtail import blocks
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    DraftStateMixin,
    Locale,
    Page,
    PageViewRestriction,
    Site,
)
from wagtail.rich_text import RichText
from wagtail.snippets.models import get_snippet_models

from cms.api.visibility import GrapplePages
from home.blocks import MENU_SUB_LEVELS
from home.models import HomePage
from newsroom.models import NewsArticlePage, NewsCategory, NewsIndexPage
from organisation.models import MembershipTier, OrgUnit, Person
from tests import factories

SCHEMA = schema.graphql_schema
COMMON = "zqleakcommon"  # in every text, live or secret: what searches look for
CONTROL = "zqcontrolzq"  # in every live, public text
BASE_DATE = datetime.date(2030, 1, 1)

STATES = {
    "draft": "a draft never published",
    "newer_draft": "a published page's newer unpublished draft",
    "private_password": "private by password",
    "private_login": "private by login",
    "private_group": "private by group",
    "private_section": "below a private (login) section",
    "expired": "expired and unpublished by publish_scheduled",
    "expiry_passed": "expire_at passed, publish_scheduled not run yet (still live)",
    "scheduled": "scheduled for later, never published",
    "scheduled_revision": "a live page's revision scheduled for later",
    "translation": "an unpublished translation of a live page",
    "old_revision": "an old revision of a live page",
    "draft_parent": "a draft section with a live child",
    "restricted_after_publication": (
        "the zh-hant edition (made by the automatic sync) of an article restricted "
        "by password after publication"
    ),
    "restricted_source_only": (
        "the English edition of an article restricted (login) on its source only"
    ),
    "restricted_section_other_locale": (
        "the zh-hant edition of an article below a section restricted in zh-hans"
    ),
    "restricted_document": "a document in a collection with a view restriction",
    "restricted_image": "an image in a collection with a view restriction",
}


def marker(state):
    return f"zq{state.replace('_', '')}zq"


@dataclass
class State:
    key: str
    marker: str
    anchor: NewsArticlePage = None  # live, public, points at the secret
    page: object = None  # the secret page (or the live page with secrets)
    tag_id: int = None
    document: object = None
    image: object = None


@dataclass
class World:
    states: dict = field(default_factory=dict)
    news: dict = field(default_factory=dict)  # locale code -> news index
    homes: dict = field(default_factory=dict)  # locale code -> home page
    draft_child: NewsArticlePage = None  # live article below the draft section
    legacy: NewsArticlePage = None  # a public article with live translations
    hostname: str = ""
    control_tag_id: int = None
    control_document: object = None
    control_image: object = None
    unit: OrgUnit = None
    category: NewsCategory = None

    @property
    def anchors(self):
        return [state.anchor for state in self.states.values()]


# --------------------------------------------------------------------------- build


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add(parent, page, live=True):
    page.live = live
    parent.add_child(instance=page)
    if live:
        return publish(page)
    page.save_revision()
    page.refresh_from_db()
    return page


def article(world, title, slug, date, text, tags, live=True, parent=None, **fields):
    page = NewsArticlePage(
        title=f"{COMMON} {title}",
        slug=slug,
        date=date,
        summary=f"{COMMON} {text}",
        body=[("paragraph", RichText(f"<p>{COMMON} {text}</p>"))],
        **fields,
    )
    page.categories = [world.category]
    page.related_units = [world.unit]
    for tag in tags:
        page.tags.add(tag)
    return add(parent or world.news["zh-hans"], page, live=live)


def secret_article(world, state, date, live=False, parent=None, slug=None):
    m = state.marker
    return article(
        world,
        m,
        slug or m,
        date,
        m,
        [m, f"zqpair{state.key.replace('_', '')}"],
        live=live,
        parent=parent,
    )


def restrict(page, restriction_type, group=None):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="zq-secret"
    )
    if group:
        restriction.groups.add(group)


def synced():
    """Run what waits for the commit (the automatic zh-hant edition) at once: the
    world is built in a transaction that never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def edition(page, code):
    return page.get_translation(Locale.objects.get(language_code=code)).specific


def restricted_collection(name):
    collection = Collection.get_first_root_node().add_child(name=name)
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="login"
    )
    return collection


def rewrite(page, text, slug=None):
    """Give a live page new texts in memory (saved by the caller's revision)."""
    page.title = f"{COMMON} {text}"
    page.summary = f"{COMMON} {text}"
    page.body = [("paragraph", RichText(f"<p>{COMMON} {text}</p>"))]
    if slug:
        page.slug = slug


def build_states(world, i, state):
    """Make `state`'s secret; `i` spaces the dates (anchor 2i, secret 2i + 1)."""
    key, m = state.key, state.marker
    date = BASE_DATE + datetime.timedelta(days=2 * i + 1)
    neutral = f"zq-{key.replace('_', '-')}-live"
    if key == "draft":
        state.page = secret_article(world, state, date)
    elif key == "newer_draft":
        state.page = live = article(world, "newer draft base", neutral, date, "", [])
        rewrite(live, m)
        live.save_revision()
    elif key.startswith("private_") and key != "private_section":
        state.page = secret_article(world, state, date, live=True)
        kind = key.removeprefix("private_")
        if kind == "group":
            restrict(state.page, "groups", Group.objects.create(name="zq readers"))
        else:
            restrict(state.page, kind)
    elif key == "private_section":
        section = add(
            world.homes["zh-hans"],
            NewsIndexPage(title=f"{COMMON} {m}", slug=m, intro=m),
        )
        restrict(section, "login")
        state.page = secret_article(world, state, date, live=True, parent=section)
    elif key in ("expired", "expiry_passed"):
        state.page = secret_article(world, state, date, live=True)
        past = timezone.now() - datetime.timedelta(hours=1)
        type(state.page).objects.filter(pk=state.page.pk).update(expire_at=past)
        if key == "expired":
            call_command("publish_scheduled", stdout=StringIO())
        state.page.refresh_from_db()
        assert state.page.live is (key == "expiry_passed")
    elif key == "scheduled":
        page = secret_article(world, state, date)
        page.go_live_at = timezone.now() + datetime.timedelta(days=30)
        page.save_revision().publish()
        page.refresh_from_db()
        assert not page.live
        state.page = page
    elif key == "scheduled_revision":
        state.page = live = article(world, "scheduled base", neutral, date, "", [])
        rewrite(live, m)
        live.go_live_at = timezone.now() + datetime.timedelta(days=30)
        live.save_revision().publish()
        live.refresh_from_db()
        assert live.live and m not in live.title
    elif key == "old_revision":
        # The slug stays: a changed slug is a redirect from the old, public, URL.
        state.page = live = secret_article(world, state, date, True, slug=neutral)
        rewrite(live, "old revision now")
        live.tags.set([])
        publish(live)
    elif key == "draft_parent":
        section = add(
            world.homes["zh-hans"],
            NewsIndexPage(title=f"{COMMON} {m}", slug="zq-draft-section", intro=m),
            live=False,
        )
        world.draft_child = article(
            world,
            f"child {CONTROL}",
            "zq-child",
            date,
            CONTROL,
            [CONTROL],
            True,
            section,
        )
        state.page = section
    elif key == "restricted_after_publication":
        with synced():
            source = secret_article(world, state, date, live=True)
        state.page = edition(source, "zh-hant")
        restrict(source, "password")
    elif key == "restricted_source_only":
        source = secret_article(world, state, date, live=True)
        english = source.copy_for_translation(Locale.objects.get(language_code="en"))
        state.page = publish(english)
        restrict(source, "login")
    elif key == "restricted_section_other_locale":
        with synced():
            section = add(
                world.homes["zh-hans"],
                NewsIndexPage(title=f"{COMMON} {m}", slug="zq-section-hans", intro=m),
            )
        with synced():
            child = secret_article(world, state, date, live=True, parent=section)
        state.page = edition(child, "zh-hant")
        assert state.page.get_parent().pk == edition(section, "zh-hant").pk
        restrict(section, "login")
    elif key == "restricted_document":
        state.document = get_document_model().objects.create(
            title=f"{COMMON} {m}",
            file=ContentFile(b"secret", name=f"{m}.pdf"),
            collection=restricted_collection("zq restricted documents"),
        )
    elif key == "restricted_image":
        state.image = wagtail_factories.ImageFactory(
            title=f"{COMMON} {m}",
            file__filename=f"{m}.png",
            collection=restricted_collection("zq restricted images"),
        )
    # "translation" is made after its anchor, its source.


def build_anchor(world, i, state):
    """The live, public article next to `state`'s secret, pointing at it."""
    date = BASE_DATE + datetime.timedelta(days=2 * i)
    pair = f"zqpair{state.key.replace('_', '')}"
    previous = f"zqpair{list(STATES)[i - 1].replace('_', '')}" if i else CONTROL
    links = ""
    if state.page is not None:
        links = f' <a linktype="page" id="{state.page.pk}">{CONTROL} link</a>'
    page = NewsArticlePage(
        title=f"{COMMON} anchor {i} {CONTROL}",
        slug=f"zq-anchor-{i}",
        date=date,
        summary=f"{COMMON} {CONTROL}",
        body=[("paragraph", RichText(f"<p>{COMMON} {CONTROL}{links}</p>"))],
    )
    if state.document:
        page.body.append(("document", {"document": state.document, "title": ""}))
    if state.image:
        page.cover_image = state.image
        page.body.append(
            ("image", {"image": state.image, "caption": CONTROL, "alt_text": ""})
        )
    else:
        page.cover_image = world.control_image
    page.categories = [world.category]
    page.related_units = [world.unit]
    for tag in (pair, previous, CONTROL):
        page.tags.add(tag)
    state.anchor = add(world.news["zh-hans"], page)


def build_translation(world, state):
    """The anchor's English edition, made and left unpublished."""
    edition = state.anchor.copy_for_translation(Locale.objects.get(language_code="en"))
    m = state.marker
    edition.title, edition.slug = f"{COMMON} {m}", m
    edition.summary = f"{COMMON} {m}"
    edition.body = [("paragraph", RichText(f"<p>{COMMON} {m}</p>"))]
    edition.save()
    edition.save_revision()
    edition.refresh_from_db()
    assert not edition.live
    state.page = edition
    # The anchor's link points at the secret edition too.
    anchor = state.anchor
    anchor.body = [
        (
            "paragraph",
            RichText(
                f'<p>{COMMON} {CONTROL} <a linktype="page" id="{edition.pk}">x</a></p>'
            ),
        )
    ]
    publish(anchor)


def tag_id(name):
    return Tag.objects.filter(name=name).values_list("pk", flat=True).first()


def build_public_content(world):
    """What the live site around the states has: a category, a committee with a
    chair, a tier with a member company, and an article with live editions in
    every locale (what `translations` must show)."""
    world.category = factories.NewsCategoryFactory(name="协会动态", slug="news")
    world.unit = factories.OrgUnitFactory(name="区块链专业委员会", slug="blockchain")
    factories.PositionFactory(
        person=factories.PersonFactory(name="李明"), unit=world.unit, role="chair"
    )
    factories.MemberCompanyFactory(
        name="杭州恒鑫科技有限公司",
        tier=factories.MembershipTierFactory(name="理事单位", slug="director"),
    )
    key = uuid.uuid4()
    for code, title in [
        ("zh-hans", "协会指导党建工作"),
        ("zh-hant", "協會指導黨建工作"),
        ("en", "Guidance on party building"),
    ]:
        edition = factories.NewsArticlePageFactory(
            parent=world.news[code],
            title=title,
            slug="party-building",
            date=datetime.date(2021, 7, 12),
            translation_key=key,
        )
        publish(edition)
        if code == "zh-hans":
            world.legacy = edition


def build_world():
    world = World()
    for code in ("zh-hans", "zh-hant", "en"):
        world.news[code] = NewsIndexPage.objects.get(locale__language_code=code)
        world.homes[code] = HomePage.objects.get(locale__language_code=code)
    world.hostname = Site.objects.get(is_default_site=True).hostname
    build_public_content(world)
    public = Collection.get_first_root_node().add_child(name=f"{CONTROL} collection")
    world.control_document = get_document_model().objects.create(
        title=f"{COMMON} {CONTROL}",
        file=ContentFile(b"public", name=f"{CONTROL}.pdf"),
        collection=public,
    )
    world.control_image = wagtail_factories.ImageFactory(
        title=f"{COMMON} {CONTROL}", file__filename=f"{CONTROL}.png", collection=public
    )
    for i, key in enumerate(STATES):
        state = world.states[key] = State(key, marker(key))
        build_states(world, i, state)
        build_anchor(world, i, state)
        if key == "translation":
            build_translation(world, state)
        if state.page is not None:
            Redirect.objects.create(
                old_path=Redirect.normalise_path(f"/zq-redirect-{key}"),
                redirect_page=state.page,
            )
        state.tag_id = tag_id(state.marker)
    world.control_tag_id = tag_id(CONTROL)
    world.states["restricted_document"].anchor.body.append(
        ("document", {"document": world.control_document, "title": ""})
    )
    publish(world.states["restricted_document"].anchor)
    build_site_content(world)
    return world


def build_site_content(world):
    """Site settings showing the restricted image, and a zh-hans header menu that
    names every secret page, at the top and below the control's item. Other
    locales have no menu: they read this one through a fallback, their own
    editions of the pages first."""
    factories.SiteSettingsFactory(
        name=f"{COMMON} {CONTROL}",
        logo=world.states["restricted_image"].image,
        wechat_qr_code=world.states["restricted_image"].image,
    )
    secrets = [factories.menu_item(page=page) for _key, page in secret_pages(world)]
    factories.MenuFactory(
        items=[factories.menu_item(page=world.anchors[0], children=secrets), *secrets]
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The states, built once for the module inside a transaction rolled back at
    its end (each test runs in a savepoint inside it)."""
    ANSWERS.clear()
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)
    ANSWERS.clear()


# ---------------------------------------------------------------- query selections


def scalar_or_mapped(type_name, mapped):
    """Selections of every field of `type_name` that is a scalar or in `mapped`
    (type name -> sub-selection) and needs no argument, aliased by type (two
    types may give one field name different types)."""
    parts = []
    fields = SCHEMA.get_type(type_name).fields
    for name, definition in fields.items():
        if any(is_non_null_type(arg.type) for arg in definition.args.values()):
            continue
        named = get_named_type(definition.type)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            parts.append(f"{type_name}_{name}: {name}")
        elif named.name in mapped:
            parts.append(f"{type_name}_{name}: {name} {mapped[named.name]}")
    return " ".join(parts)


def implementations(interface):
    return sorted(t.name for t in SCHEMA.get_possible_types(SCHEMA.get_type(interface)))


MEDIA = "{ id title file url collection { name } }"
MAPPED = {
    "ImageObjectType": MEDIA,
    "DocumentObjectType": MEDIA,
    "PageInterface": "{ id title slug url }",
    "SnippetInterface": "{ snippetType contentType }",
    "StreamFieldInterface": "{ ...Block }",
    "TranslationStatus": "{ locale url published }",
    "NewsCategory": "{ name slug }",
    "TagObjectType": "{ id name }",
    "NewsArticleAuthor": "{ name }",
    "Person": "{ name photo { title url } }",
    "OrgUnit": "{ name url }",
}
BLOCK_MAPPED = {k: v for k, v in MAPPED.items() if k != "StreamFieldInterface"}
# Page fields reached through the explicit nested cases, not in every selection.
PAGE_MAPPED = {k: v for k, v in MAPPED.items() if k != "PageInterface"}

FRAGMENTS = "\n".join(
    [
        "fragment P on PageInterface { "
        + " ".join(
            f"... on {name} {{ {scalar_or_mapped(name, PAGE_MAPPED)} }}"
            for name in implementations("PageInterface")
        )
        + " }",
        "fragment Block on StreamFieldInterface { "
        + " ".join(
            f"... on {name} {{ {scalar_or_mapped(name, BLOCK_MAPPED)} }}"
            for name in implementations("StreamFieldInterface")
        )
        + " }",
    ]
)

LIST = 'limit: 100, order: "-id"'


def paged(arguments, order='order: "-id"'):
    """The `pages` root field with `arguments`, 100 a page, its items as P."""
    arguments = ", ".join(filter(None, [arguments, "perPage: 100", order]))
    return f"pages({arguments}) {{ items {{ ...P }} }}"


def aliased(items):
    """`{ a0: ... a1: ... }` from (alias, field) pairs."""
    return "{ " + " ".join(f"{alias}: {text}" for alias, text in items) + " }"


def secret_pages(w):
    return [(k, s.page) for k, s in w.states.items() if s.page is not None]


def url_path(page):
    """The path below its locale's home page, as `urlPath` arguments take it."""
    return "/" + page.url_path.split("/", 2)[2]


def page_lookups(w, field, locales=True):
    """One `field` per way to name each secret page: id, slug, urlPath (in the
    page's own locale, and with a fallback from English), as (alias, text)."""
    items = [("control", f"{field}(id: {w.anchors[0].pk}) {{ ...P }}")]
    for key, page in secret_pages(w):
        loc = f', locale: "{page.locale.language_code}"' if locales else ""
        items += [
            (f"{key}_id", f"{field}(id: {page.pk}) {{ ...P }}"),
            (f"{key}_slug", f'{field}(slug: "{page.slug}"{loc}) {{ ...P }}'),
            (f"{key}_path", f'{field}(urlPath: "{url_path(page)}"{loc}) {{ ...P }}'),
        ]
        if locales:
            fb = ', locale: "en", fallback: ["zh-hans"]'
            items += [
                (f"{key}_idl", f"{field}(id: {page.pk}{loc}) {{ ...P }}"),
                (f"{key}_fb", f'{field}(slug: "{page.slug}"{fb}) {{ ...P }}'),
            ]
    return items


def by_ids(field, ids, selection):
    return aliased([(f"{key}", f"{field}(id: {pk}) {selection}") for key, pk in ids])


def on_entries(entries, selection):
    """`selection` asked of each entry page (alias, page)."""
    return aliased(
        (alias.replace("-", "_"), f"page(id: {page.pk}) {{ id title {selection} }}")
        for alias, page in entries
    )


def prefixed(prefix, pages):
    return [(f"{prefix}_{code}", page) for code, page in pages.items()]


def anchors(w):
    return [(f"anchor_{k}", s.anchor) for k, s in w.states.items()] + [
        ("draft_child", w.draft_child)
    ]


def first_committee_tier_name(w):
    return MembershipTier.objects.filter(locale__language_code="zh-hans")[0].name


SEARCH = f'query: "{COMMON}", perPage: 50'
SEARCH_ITEMS = (
    "{ totalCount items { type locale excerpt item { "
    "... on NewsArticlePage { ...P } ... on OrgUnit { name url } "
    "... on Person { name } ... on MemberCompany { name } } } }"
)
SUGGEST = f'prefix: "{COMMON}", limit: 20'
SUGGESTION_ITEMS = (
    "{ text type locale item { "
    "... on NewsArticlePage { ...P } ... on OrgUnit { name url } "
    "... on Person { name } ... on MemberCompany { name } } }"
)
NEWS = "{ totalCount items { ...P } }"
UNIT = "name url recentNews(limit: 20) { ...P }"
MENU_ITEM = "label url page { ...P }"


@dataclass
class Case:
    query: object  # function of the World -> query text (without fragments)
    control: object  # function of the World -> text that must be in the answer
    note: str = ""


def control_text(w):
    return CONTROL


def media_cases(kind):
    """The root fields of one kind of media (document, image): one by id (the
    control's and every state's), the list, and the type's name."""

    def ids(w):
        items = [("control", getattr(w, f"control_{kind}"))]
        items += [(k, getattr(s, kind)) for k, s in w.states.items()]
        return [(k, item.pk) for k, item in items if item]

    return {
        kind: Case(lambda w: by_ids(kind, ids(w), MEDIA), control_text),
        f"{kind}s": Case(
            lambda w: aliased([("all", f"{kind}s({LIST}) {MEDIA}")]), control_text
        ),
        f"{kind}Type": Case(lambda w: f"{{ {kind}Type }}", lambda w: kind),
    }


# Every root field of the schema, by name: test_every_root_field_has_a_case.
ROOT_CASES = {
    "redirects": Case(
        lambda w: "{ redirects { oldPath oldUrl newUrl isPermanent page { ...P } } }",
        lambda w: "zq-redirect-",
    ),
    "collections": Case(
        lambda w: "{ collections(limit: 100) { id name ancestors { name } } }",
        control_text,
    ),
    "tag": Case(
        lambda w: by_ids(
            "tag",
            [("control", w.control_tag_id)]
            + [(k, s.tag_id) for k, s in w.states.items() if s.tag_id],
            "{ id name }",
        ),
        control_text,
    ),
    "tags": Case(lambda w: f"{{ tags({LIST}) {{ id name }} }}", control_text),
    "search": Case(
        lambda w: aliased(
            [
                ("zh", f"search({SEARCH}) {SEARCH_ITEMS}"),
                ("en", f'search({SEARCH}, locale: "en") {SEARCH_ITEMS}'),
                ("hant", f'search({SEARCH}, locale: "zh-hant") {SEARCH_ITEMS}'),
                ("all", f"search({SEARCH}, allLocales: true) {SEARCH_ITEMS}"),
                ("news", f"search({SEARCH}, types: [NEWS_ARTICLE]) {SEARCH_ITEMS}"),
            ]
        ),
        control_text,
    ),
    "searchSuggestions": Case(
        lambda w: aliased(
            [
                ("zh", f"searchSuggestions({SUGGEST}) {SUGGESTION_ITEMS}"),
                (
                    "en",
                    f'searchSuggestions({SUGGEST}, locale: "en") {SUGGESTION_ITEMS}',
                ),
                (
                    "hant",
                    f'searchSuggestions({SUGGEST}, locale: "zh-hant") '
                    f"{SUGGESTION_ITEMS}",
                ),
                (
                    "fb",
                    f'searchSuggestions({SUGGEST}, locale: "en", '
                    f'fallback: ["zh-hans"]) {SUGGESTION_ITEMS}',
                ),
                (
                    "news",
                    f"searchSuggestions({SUGGEST}, types: [NEWS_ARTICLE]) "
                    f"{SUGGESTION_ITEMS}",
                ),
            ]
        ),
        control_text,
    ),
    **media_cases("document"),
    **media_cases("image"),
    "site": Case(
        lambda w: (
            f'{{ site(hostname: "{w.hostname}") '
            + aliased(
                [
                    ("root", "rootPage { ...P }"),
                    ("pages", f"pages({LIST}) {{ ...P }}"),
                    *page_lookups(w, "page", locales=False),
                ]
            )
            + " }"
        ),
        control_text,
        "site.page takes no locale: the lookups are made without one",
    ),
    "sites": Case(
        lambda w: (
            f"{{ sites {{ hostname rootPage {{ ...P }} pages({LIST}) {{ ...P }} }} }}"
        ),
        control_text,
    ),
    "locales": Case(
        lambda w: "{ locales { code name isDefault } }", lambda w: "zh-hans"
    ),
    "imageFilters": Case(
        lambda w: "{ imageFilters { spec arguments } }", lambda w: "width-320"
    ),
    "pages": Case(
        lambda w: aliased(
            [
                ("zh", paged("")),
                ("en", paged('locale: "en"')),
                ("hant", paged('locale: "zh-hant"')),
                ("fb", paged('locale: "en", fallback: ["zh-hans"]')),
                ("news", paged(f"parent: {w.news['zh-hans'].pk}")),
                ("home", paged(f"ancestor: {w.homes['zh-hans'].pk}")),
                ("enhome", paged(f"ancestor: {w.homes['en'].pk}")),
                ("hanthome", paged(f"ancestor: {w.homes['zh-hant'].pk}")),
                ("search", paged(f'searchQuery: "{COMMON}"', order="")),
                ("type", paged('contentType: "newsroom.NewsArticlePage"')),
            ]
            + [
                (f"below_{k}", paged(f"ancestor: {page.pk}"))
                for k, page in secret_pages(w)
            ]
        ),
        control_text,
    ),
    "publicUrls": Case(
        lambda w: aliased(
            [
                (
                    code.replace("-", ""),
                    f'publicUrls(locale: "{code}", perPage: 100) {{ items '
                    "{ id urlPath url pageType alternates { hreflang url } } }",
                )
                for code in ("zh-hans", "zh-hant", "en")
            ]
        ),
        lambda w: "zq-anchor-0",
        "urls only: the anchors' slugs are the control",
    ),
    "page": Case(lambda w: aliased(page_lookups(w, "page")), control_text),
    "organisation": Case(
        lambda w: (
            "{ organisation { memberCount committeeCount unitCount "
            "tiers { name memberCount } } }"
        ),
        first_committee_tier_name,
    ),
    "orgUnits": Case(
        lambda w: (
            f"{{ orgUnits {{ {UNIT} children {{ {UNIT} "
            f"children {{ {UNIT} children {{ {UNIT} }} }} }} }} }}"
        ),
        control_text,
    ),
    "committees": Case(lambda w: f"{{ committees {{ {UNIT} }} }}", control_text),
    "committee": Case(
        lambda w: f'{{ committee(slug: "{w.unit.slug}") {{ {UNIT} }} }}', control_text
    ),
    "people": Case(
        lambda w: (
            "{ people(current: false) { role person { name } unit { name url } } }"
        ),
        lambda w: (
            Person.objects.filter(locale__language_code="zh-hans")
            .exclude(positions=None)[0]
            .name.lower()
        ),
    ),
    "siteSettings": Case(
        lambda w: (
            "{ siteSettings { name logo { id title url } "
            "wechatQrCode { id title url } } }"
        ),
        control_text,
    ),
    "menu": Case(
        lambda w: aliased(
            (
                alias,
                f'menu(key: "header"{arguments}) {{ items {{ {MENU_ITEM} '
                f"children {{ {MENU_ITEM} }} }} }}",
            )
            for alias, arguments in [
                ("zh_hans", ""),
                ("zh_hant", ', locale: "zh-hant", fallback: ["zh-hans"]'),
                ("en", ', locale: "en", fallback: ["zh-hans"]'),
            ]
        ),
        control_text,
    ),
    "membershipTiers": Case(
        lambda w: "{ membershipTiers { name slug memberCount } }",
        first_committee_tier_name,
    ),
    "memberCompanies": Case(
        lambda w: (
            f'{{ memberCompanies(perPage: 10, search: "{COMMON}") '
            "{ totalCount items { name } } "
            "all: memberCompanies(perPage: 10) { totalCount items { name } } }"
        ),
        lambda w: '"items":[{',
        "no member company can be a draft; asked for completeness",
    ),
    "newsArticles": Case(
        lambda w: aliased(
            [
                ("zh", f"newsArticles(perPage: 50) {NEWS}"),
                ("en", f'newsArticles(locale: "en", perPage: 50) {NEWS}'),
                ("hant", f'newsArticles(locale: "zh-hant", perPage: 50) {NEWS}'),
                (
                    "fb",
                    f'newsArticles(locale: "en", fallback: ["zh-hans"], perPage: 50) '
                    f"{NEWS}",
                ),
                ("search", f'newsArticles(search: "{COMMON}", perPage: 50) {NEWS}'),
                (
                    "hantsearch",
                    f'newsArticles(locale: "zh-hant", search: "{COMMON}", '
                    f"perPage: 50) {NEWS}",
                ),
                (
                    "category",
                    f'newsArticles(category: "{w.category.slug}", perPage: 50) {NEWS}',
                ),
                ("month", f"newsArticles(year: 2030, month: 1, perPage: 50) {NEWS}"),
                ("year", f"newsArticles(year: 2030, perPage: 50) {NEWS}"),
            ]
            # The states' tags: test_hidden_tags_are_unknown_tags (an unknown
            # tag's error names it, so the marker is in the answer).
        ),
        control_text,
    ),
    "newsArticle": Case(
        lambda w: aliased(page_lookups(w, "newsArticle")), control_text
    ),
    "newsCategories": Case(
        lambda w: aliased(
            [
                (
                    code.replace("-", ""),
                    f'newsCategories(locale: "{code}") {{ name slug articleCount }}',
                )
                for code in ("zh-hans", "en")
            ]
        ),
        lambda w: w.category.name.lower(),
    ),
    "newsArchive": Case(
        lambda w: "{ newsArchive { year month articleCount } }", lambda w: '"year":2030'
    ),
}

# The relations of a page, each asked of the entry pages that could reach a secret.
NESTED_CASES = {
    "parent": Case(
        lambda w: on_entries(anchors(w), "parent { ...P }"),
        lambda w: w.news["zh-hans"].title.lower(),
    ),
    "ancestors": Case(
        lambda w: on_entries(anchors(w), "ancestors(limit: 100) { ...P }"),
        lambda w: w.news["zh-hans"].title.lower(),
    ),
    "children": Case(
        lambda w: on_entries(
            [*prefixed("news", w.news), *prefixed("home", w.homes)],
            f"children({LIST}) {{ ...P }}",
        ),
        control_text,
    ),
    "descendants": Case(
        lambda w: on_entries(
            prefixed("home", w.homes), f"descendants({LIST}) {{ ...P }}"
        ),
        control_text,
    ),
    "siblings": Case(
        lambda w: on_entries(
            [("a", w.anchors[0]), ("child", w.draft_child), *prefixed("news", w.news)],
            f"siblings({LIST}) {{ ...P }}",
        ),
        control_text,
    ),
    "nextSiblings": Case(
        lambda w: on_entries(
            [("a", w.anchors[0]), ("child", w.draft_child)],
            "nextSiblings(limit: 100) { ...P }",
        ),
        control_text,
    ),
    "previousSiblings": Case(
        lambda w: on_entries(
            [("a", w.anchors[-1]), ("child", w.draft_child)],
            "previousSiblings(limit: 100) { ...P }",
        ),
        control_text,
    ),
    "translations": Case(
        lambda w: on_entries(
            [*anchors(w), ("legacy", w.legacy)], "translations { ...P }"
        ),
        lambda w: "/en/",
    ),
    "translationStatus": Case(
        lambda w: on_entries(anchors(w), "translationStatus { locale url published }"),
        lambda w: "/zh-hans/",
    ),
    "relatedArticles": Case(
        lambda w: on_entries(
            anchors(w), "... on NewsArticlePage { relatedArticles { ...P } }"
        ),
        control_text,
    ),
    "previousArticle": Case(
        lambda w: on_entries(
            anchors(w), "... on NewsArticlePage { previousArticle { ...P } }"
        ),
        control_text,
    ),
    "nextArticle": Case(
        lambda w: on_entries(
            anchors(w), "... on NewsArticlePage { nextArticle { ...P } }"
        ),
        control_text,
    ),
    "categories": Case(
        lambda w: on_entries(
            anchors(w),
            "... on NewsArticlePage { categories { name slug "
            "translationStatus { locale url } } }",
        ),
        lambda w: w.category.name.lower(),
    ),
    "body": Case(
        lambda w: on_entries(
            anchors(w), "... on NewsArticlePage { body { ...Block } }"
        ),
        control_text,
    ),
    "bodyBlocks": Case(
        lambda w: on_entries(
            anchors(w), "... on NewsArticlePage { bodyBlocks { ...Block } }"
        ),
        control_text,
    ),
    "coverImage": Case(
        lambda w: on_entries(
            anchors(w), f"... on NewsArticlePage {{ coverImage {MEDIA} }}"
        ),
        control_text,
    ),
    "relatedUnits": Case(
        lambda w: on_entries(
            anchors(w),
            "... on NewsArticlePage { relatedUnits { name url } "
            "relatedPeople { name } }",
        ),
        lambda w: w.unit.name.lower(),
    ),
}

PATHS = [f"root:{name}" for name in ROOT_CASES] + [
    f"nested:{name}" for name in NESTED_CASES
]
ANSWERS = {}  # path -> (status, body): the world is read-only after it is built


def case_of(path):
    kind, name = path.split(":")
    return (ROOT_CASES if kind == "root" else NESTED_CASES)[name]


@pytest.fixture
def ask(gql, settings, world):
    """The anonymous answer to a path's query, as lowercase JSON text. The matrix
    asks for many aliases at once, so the query limits are lifted here (they are
    tested in test_limits.py)."""
    settings.CMS_GRAPHQL_LIMITS = {
        **settings.CMS_GRAPHQL_LIMITS,
        "MAX_DEPTH": 50,
        "MAX_ALIASES": 10**9,
        "MAX_ROOT_FIELDS": 10**9,
        "MAX_COST": 10**15,
    }

    def answer(path):
        if path not in ANSWERS:
            query = case_of(path).query(world)
            if "...P" in query or "...Block" in query:
                query = f"{query}\n{FRAGMENTS}"
            ANSWERS[path] = gql.post(query)
        status, body = ANSWERS[path]
        return status, body, as_text(body)

    return answer


def as_text(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).lower()


def where(data, needle, path=""):
    """The JSON paths (list indexes dropped, aliases kept) of the strings in
    `data` that contain `needle`, each with the string."""
    if isinstance(data, dict):
        return [
            hit
            for key, value in data.items()
            for hit in where(value, needle, f"{path}.{key}")
        ]
    if isinstance(data, list):
        return [hit for value in data for hit in where(value, needle, f"{path}[]")]
    if isinstance(data, str) and needle in data.lower():
        return [(path, data)]
    return []


def leak_report(body, needle):
    hits = dict(where(body, needle))
    return "\n".join(f"  {path} = {value[:200]!r}" for path, value in hits.items())


# ------------------------------------------------------------------------ the tests


def test_every_root_field_has_a_case():
    """A new root field needs a case here before it can ship."""
    assert set(SCHEMA.query_type.fields) == set(ROOT_CASES)


def test_every_mutation_has_a_case():
    assert set(SCHEMA.mutation_type.fields) == {"recordArticleView"}


@pytest.mark.parametrize("path", PATHS)
def test_path_shows_live_content(ask, world, path):
    """The control of each column: the path works and shows live public content."""
    status, body, text = ask(path)
    assert status == 200 and "errors" not in body, body.get("errors")
    expected = case_of(path).control(world).lower()
    assert expected in text, f"{path}: {expected!r} missing from {text[:600]}"


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("path", PATHS)
def test_no_leak(ask, world, path, state):
    """One cell: `path`'s anonymous answer never shows `state`'s marker."""
    _status, body, text = ask(path)
    secret = world.states[state].marker
    if secret in text:
        report = leak_report(body, secret)
        pytest.fail(f"{path} leaks {STATES[state]}:\n{report}", pytrace=False)


@pytest.mark.usefixtures("ask")  # the matrix's lifted query limits
@pytest.mark.parametrize("state", list(STATES))
def test_hidden_tags_are_unknown_tags(gql, world, state):
    """newsArticles(tag:) with a state's tag: the articles readers may see, or,
    when none has it, the very error a tag no article has gets (NOT_FOUND, naming
    the tag sent), never an empty list that says hidden articles have it."""
    marker = world.states[state].marker
    query = f"query ($tag: String) {{ newsArticles(tag: $tag) {NEWS} }}\n{FRAGMENTS}"
    _status, body = gql.post(query, {"tag": marker})
    if "errors" not in body:  # the tag is on articles readers see: only those
        assert body["data"]["newsArticles"]["totalCount"] > 0
        assert marker not in as_text(body)
        return
    _status, never = gql.post(query, {"tag": "zq-never-used"})
    assert as_text(body).replace(marker, "name") == as_text(never).replace(
        "zq-never-used", "name"
    )
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]


# The states whose secret is an article no reader may see.
HIDDEN_ARTICLES = [
    "draft",
    "private_password",
    "private_login",
    "private_group",
    "private_section",
    "expired",
    "expiry_passed",
    "scheduled",
    "translation",
    "restricted_after_publication",
    "restricted_source_only",
    "restricted_section_other_locale",
]


@pytest.mark.parametrize("state", HIDDEN_ARTICLES)
def test_record_article_view_refuses_a_secret_article(gql, world, state):
    """The one mutation names an article by id: a secret one is not found."""
    page = world.states[state].page
    messages = gql.errors(
        "mutation ($id: ID!) { recordArticleView(id: $id) { viewCount } }", id=page.pk
    )
    assert any("No published news article" in m for m in messages), messages


def test_counts_count_only_visible_articles(gql, world):
    """Counts cannot show a marker: they must equal the visible articles."""
    visible = [s.anchor for s in world.states.values()] + [
        world.draft_child,
        world.states["newer_draft"].page,
        world.states["scheduled_revision"].page,
        world.states["old_revision"].page,
    ]
    data = gql(
        "{ newsArchive { year month articleCount } "
        "year: newsArticles(year: 2030) { totalCount } }"
    )
    archive = [m["articleCount"] for m in data["newsArchive"] if m["year"] == 2030]
    assert sum(archive) == len(visible)
    assert data["year"]["totalCount"] == len(visible)


# ------------------------------------------------------- the HTML routes column

# The states whose secret is a page (the others' is a document or an image).
PAGE_STATES = [
    k for k in STATES if k not in ("restricted_document", "restricted_image")
]


def html_urls(state):
    """Every URL that names `state`'s secret page: each of its locale editions
    (published or not), its redirect, and its anchor's."""
    editions = Page.objects.filter(translation_key=state.page.translation_key)
    urls = [page.get_url() for page in editions.order_by("pk")]
    return [*filter(None, urls), f"/zq-redirect-{state.key}", state.anchor.get_url()]


def html(client, url):
    """The status and the lowercase text (with its Location header) of a GET of
    `url`, without `url` itself: a password form repeats it in its return URL, a
    login redirect in `next`."""
    response = client.get(url)
    text = f"{response.get('Location', '')} {response.content.decode()}".lower()
    for asked in (url, quote(url), quote(url, safe=""), escape(url)):
        text = text.replace(asked.lower(), "")
    return response.status_code, text


@pytest.mark.parametrize("state", PAGE_STATES)
def test_html_route_shows_live_content(client, db, world, state):
    """The column's control: the anchor's page is served with its live text."""
    status, text = html(client, world.states[state].anchor.get_url())
    assert status == 200 and CONTROL in text, (status, text[:600])


@pytest.mark.parametrize("state", PAGE_STATES)
def test_html_route_shows_no_secret(client, db, world, state):
    """Wagtail's own route for every edition of the secret page never shows it."""
    secret = world.states[state]
    leaks = [
        f"  GET {url} -> {status}: ...{text[text.index(secret.marker) - 80 :][:200]}"
        for url in html_urls(secret)
        for status, text in [html(client, url)]
        if secret.marker in text
    ]
    if leaks:
        pytest.fail(f"HTML leaks {STATES[state]}:\n" + "\n".join(leaks), False)


# ------------------------------------------ stock grapple leaks, named regressions


def test_stock_leak_parent_returns_a_draft_parent(gql, world):
    data = gql(
        "query ($id: ID) { page(id: $id) { title parent { title } } }",
        id=world.draft_child.pk,
    )
    assert CONTROL in data["page"]["title"]
    assert data["page"]["parent"] is None


def test_stock_leak_search_returns_draft_pages(gql, world):
    data = gql(
        "query ($q: String!) { search(query: $q, perPage: 50, allLocales: true) "
        "{ items { excerpt item { ... on NewsArticlePage { title } } } } }",
        q=COMMON,
    )
    text = json.dumps(data, ensure_ascii=False).lower()
    assert CONTROL in text
    assert world.states["draft"].marker not in text


def test_stock_leak_snippets_root_field_is_gone():
    """Grapple's `snippets` answered with every snippet, drafts included."""
    assert "snippets" not in SCHEMA.query_type.fields


def test_no_snippet_model_has_draft_states():
    """The "draft snippet" state does not exist here by construction; a snippet
    model that gains DraftStateMixin needs a row in this matrix first."""
    drafty = [
        m.__name__ for m in get_snippet_models() if issubclass(m, DraftStateMixin)
    ]
    assert drafty == []


def test_stock_leak_draft_title_shows_an_unpublished_title(gql, world):
    """Nor does any bookkeeping field tell that a newer draft exists."""
    page = world.states["newer_draft"].page
    data = gql(
        "query ($id: ID) { page(id: $id) { title ... on NewsArticlePage "
        "{ draftTitle hasUnpublishedChanges latestRevisionCreatedAt "
        "lastPublishedAt } } }",
        id=page.pk,
    )
    assert world.states["newer_draft"].marker not in json.dumps(data).lower()
    found = data["page"]
    assert found["hasUnpublishedChanges"] is False
    assert found["latestRevisionCreatedAt"] == found["lastPublishedAt"]


def chooser_blocks(block):
    """Every PageChooserBlock and SnippetChooserBlock inside `block`."""
    from wagtail.snippets.blocks import SnippetChooserBlock

    found = []
    if isinstance(block, (blocks.PageChooserBlock, SnippetChooserBlock)):
        found.append(type(block).__name__)
    for child in getattr(block, "child_blocks", {}).values():
        found += chooser_blocks(child)
    if isinstance(block, blocks.ListBlock):
        found += chooser_blocks(block.child_block)
    return found


def test_no_streamfield_has_a_page_or_snippet_chooser_block():
    """Stock grapple's PageChooserBlock returns draft and private pages, body
    included; no StreamField that grapple serves has one, so that leak cannot
    happen. A new chooser block needs its case (and a visible-only resolver)
    first: a menu's items have both (home.schema reads them, the "menu" case)."""
    found = {
        f"{model.__name__}.{f.name}": chooser_blocks(f.stream_block)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, StreamField)
    }
    assert {k: v for k, v in found.items() if v} == {
        "Menu.items": ["PageChooserBlock"] * (MENU_SUB_LEVELS + 1)
    }


def test_stock_leak_page_chooser_block_type_returns_a_draft_page(world, db):
    """The PageChooserBlock type is still in the schema (grapple registers it for
    every Wagtail block), though no StreamField uses it (checked above): what its
    `page` resolves to goes through GrapplePages, which hands out no draft or
    private page."""
    guard = GrapplePages()
    info = SimpleNamespace(
        parent_type=SCHEMA.get_type("PageChooserBlock"), field_name="page"
    )
    for key in ("draft", "private_login"):
        page = world.states[key].page
        assert guard.resolve(lambda root, info, page=page: page, None, info) is None, (
            key
        )
    live = world.states["draft"].anchor
    assert guard.resolve(lambda root, info: live, None, info) == live
    assert GrapplePages.__module__ + ".GrapplePages" in settings.GRAPHENE["MIDDLEWARE"]
