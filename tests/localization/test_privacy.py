"""Privacy belongs to the content, not to one edition (a security finding).

Found: an article published in zh-hans, its zh-hant edition made by the automatic
sync (cms/localization/sync.py), then made private in the admin. The restriction
stayed on the one page it was set on: `newsArticles(locale: "zh-hant")`, its
`search`, `search(query:)`, `page(urlPath:)` and `GET /zh-hant/news/<slug>/` all
showed the zh-hant edition with its body, and re-publishing did not help (the sync
is skipped when the content is unchanged). Same for login and group restrictions,
and for an article below a private section.

Each test here reaches an edition every way an anonymous reader can (`reached`)
and checks the answer both ways: every way while the content is public (so a
path that shows nothing cannot pass), none once it is private. Restrictions are
set through the admin's own privacy view, as an editor does.
"""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale, PageViewRestriction
from wagtail_localize.models import Translation, TranslationSource

from home.models import HomePage
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory

MARK = "zqprivacyzq"  # in every title and summary here: what the searches look for
BODY = "zqbodyzq"  # in every body here: what the HTML must not show

EVERY_WAY = {"newsArticles", "newsArticles(search)", "search", "page(urlPath)", "html"}

QUERY = """
query ($locale: String!, $text: String!, $path: String!) {
  list: newsArticles(locale: $locale, perPage: 50) { items { id } }
  found: newsArticles(locale: $locale, search: $text, perPage: 50) { items { id } }
  search(query: $text, locale: $locale, perPage: 50) {
    items { item { ... on NewsArticlePage { id } } }
  }
  page(urlPath: $path, locale: $locale) {
    id ... on NewsArticlePage { body { ... on RichTextBlock { value } } }
  }
}
"""


def locale(code):
    return Locale.objects.get(language_code=code)


def news_index(code="zh-hans"):
    return NewsIndexPage.objects.get(locale__language_code=code)


def edition(page, code):
    return page.get_translation(locale(code)).specific


def url_path(page):
    """The path below its locale's home page, as `urlPath` takes it."""
    return "/" + page.url_path.split("/", 2)[2]


def restriction_of(page):
    """(type, password, group names) of the page's own restriction, or None."""
    restriction = PageViewRestriction.objects.filter(page=page).first()
    if restriction is None:
        return None
    groups = set(restriction.groups.values_list("name", flat=True))
    return restriction.restriction_type, restriction.password, groups


@pytest.fixture
def reached(gql, client):
    """The ways an anonymous reader reaches `page`: GraphQL lists, searches and
    lookup in its locale, and its own URL answering 200 with its body."""

    def reached(page):
        data = gql(
            QUERY,
            locale=page.locale.language_code,
            text=MARK,
            path=url_path(page),
        )
        pk = str(page.pk)
        ways = set()
        if pk in {item["id"] for item in data["list"]["items"]}:
            ways.add("newsArticles")
        if pk in {item["id"] for item in data["found"]["items"]}:
            ways.add("newsArticles(search)")
        if pk in {hit["item"].get("id") for hit in data["search"]["items"]}:
            ways.add("search")
        if data["page"] and data["page"]["id"] == pk:
            ways.add("page(urlPath)")
        response = client.get(page.url)
        if response.status_code == 200 and BODY in response.content.decode():
            ways.add("html")
        return ways

    return reached


@pytest.fixture
def set_privacy(admin_client):
    """Set a page's privacy through the admin's privacy view, as editors do."""

    def set_privacy(page, restriction_type, password="", groups=()):
        response = admin_client.post(
            reverse("wagtailadmin_pages:set_privacy", args=[page.pk]),
            {
                "restriction_type": restriction_type,
                "password": password,
                "groups": [group.pk for group in groups],
            },
        )
        assert response.status_code == 200
        assert json.loads(response.content)["step"] == "set_privacy_done", (
            response.content
        )

    return set_privacy


@pytest.fixture
def article(db, publish, set_privacy):
    """A zh-hans article, published: the automatic sync makes its zh-hant edition.
    `privacy`: set_privacy's arguments, to make the draft private before."""

    def article(slug="zq-private", parent=None, privacy=None):
        page = NewsArticlePageFactory(
            parent=parent or news_index(),
            title=f"发展 {MARK}",
            slug=slug,
            summary=f"头发 {MARK}",
            body=json.dumps([{"type": "paragraph", "value": f"<p>{BODY} 头发</p>"}]),
            live=False,
        )
        if privacy:
            set_privacy(page, **privacy)
        return publish(page)

    return article


@pytest.fixture
def english(django_capture_on_commit_callbacks):
    """The English edition of a page, made and published through wagtail-localize
    (as the admin's Translate and Publish do)."""

    def english(page):
        source, _created = TranslationSource.get_or_create_from_instance(page)
        translation = Translation.objects.create(
            source=source, target_locale=locale("en")
        )
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(publish=True)
        return edition(page, "en")

    return english


@pytest.fixture
def readers(db):
    return Group.objects.create(name="zq readers")


def restrict(set_privacy, page, kind, readers):
    if kind == "password":
        set_privacy(page, "password", password="zq-secret")
    elif kind == "groups":
        set_privacy(page, "groups", groups=[readers])
    else:
        set_privacy(page, kind)


@pytest.mark.parametrize("kind", ["password", "login", "groups"])
def test_restricted_after_publication_zh_hant_edition_is_private(
    article, reached, set_privacy, readers, kind
):
    page = article()
    hant = edition(page, "zh-hant")
    assert reached(hant) == EVERY_WAY  # the control: public until restricted

    restrict(set_privacy, page, kind, readers)

    assert reached(page) == set()
    assert reached(hant) == set()


def test_restricted_after_publication_edition_follows_every_change(
    article, set_privacy, readers
):
    """Type, password and groups: the zh-hant edition carries what the source
    carries after each change."""
    page = article()
    hant = edition(page, "zh-hant")
    editors = Group.objects.create(name="zq editors")
    changes = [
        (("password",), {"password": "zq-one"}, ("password", "zq-one", set())),
        (("password",), {"password": "zq-two"}, ("password", "zq-two", set())),
        (
            ("groups",),
            {"groups": [readers, editors]},
            ("groups", "", {"zq readers", "zq editors"}),
        ),
        (("groups",), {"groups": [editors]}, ("groups", "", {"zq editors"})),
        (("login",), {}, ("login", "", set())),
    ]
    for args, kwargs, expected in changes:
        set_privacy(page, *args, **kwargs)
        assert restriction_of(page) == expected
        assert restriction_of(hant) == expected, args

    # Changed from the group's side, too.
    set_privacy(page, "groups", groups=[readers])
    restriction = PageViewRestriction.objects.get(page=page)
    editors.pageviewrestriction_set.add(restriction)
    assert restriction_of(hant) == ("groups", "", {"zq readers", "zq editors"})
    readers.pageviewrestriction_set.clear()
    assert restriction_of(hant) == ("groups", "", {"zq editors"})


def test_restricted_after_publication_then_made_public_again_on_both(
    article, reached, set_privacy
):
    page = article()
    hant = edition(page, "zh-hant")
    set_privacy(page, "login")
    assert reached(hant) == set()

    set_privacy(page, "none")

    assert restriction_of(page) is None
    assert restriction_of(hant) is None
    assert reached(page) == EVERY_WAY
    assert reached(hant) == EVERY_WAY


@pytest.mark.parametrize("restricted", ["zh-hant", "en"])
def test_restricted_translation_makes_every_edition_private(
    article, english, reached, set_privacy, restricted
):
    """A restriction set on the zh-hant or the English edition reaches the zh-hans
    source and the other translations too; removing it there frees them all."""
    page = article()
    editions = {"zh-hans": page, "zh-hant": edition(page, "zh-hant")}
    editions["en"] = english(page)
    assert all(reached(e) == EVERY_WAY for e in editions.values())

    set_privacy(editions[restricted], "password", password="zq-secret")

    assert {code: reached(e) for code, e in editions.items()} == {
        "zh-hans": set(),
        "zh-hant": set(),
        "en": set(),
    }
    set_privacy(editions[restricted], "none")
    assert all(reached(e) == EVERY_WAY for e in editions.values())


def test_restricted_after_publication_translation_made_later_is_private(
    article, english, reached, set_privacy
):
    """An edition created after the restriction (here an English one, translated
    from the zh-hans source after an editor restricted the zh-hant edition) is
    private from the start."""
    page = article()
    set_privacy(edition(page, "zh-hant"), "login")

    en = english(page)

    assert restriction_of(en) == ("login", "", set())
    assert reached(en) == set()
    assert reached(page) == set()

    # Deleting an edition takes its restriction along, not the others'.
    en.delete()
    assert restriction_of(page) == ("login", "", set())
    assert reached(edition(page, "zh-hant")) == set()


def test_restricted_after_publication_republished_source_keeps_edition_private(
    article, publish, reached, set_privacy
):
    page = article()
    set_privacy(page, "password", password="zq-secret")

    page = publish(page)  # unchanged: the sync is skipped
    hant = edition(page, "zh-hant")
    assert reached(hant) == set()

    page.title = f"发展会议 {MARK}"
    page = publish(page)  # changed: the sync rebuilds the edition
    hant = edition(page, "zh-hant")
    assert hant.title == f"發展會議 {MARK}"
    assert reached(hant) == set()
    assert restriction_of(hant) == ("password", "zq-secret", set())


def test_restricted_section_hides_its_children_in_the_other_locale(
    article, publish, reached, set_privacy, readers
):
    """A section made private in zh-hans is private in zh-hant too: the article
    below it, there already or published after the restriction, is hidden in
    both locales."""
    home = HomePage.objects.get(locale__language_code="zh-hans")
    section = NewsIndexPage(
        title="协会动态 zq", slug="zq-section", intro="", live=False
    )
    home.add_child(instance=section)
    section = publish(section)
    child = article(parent=section)
    hant_child = edition(child, "zh-hant")
    assert hant_child.get_parent().pk == edition(section, "zh-hant").pk
    assert reached(hant_child) == EVERY_WAY

    set_privacy(section, "login")

    assert restriction_of(edition(section, "zh-hant")) == ("login", "", set())
    assert reached(child) == set()
    assert reached(hant_child) == set()

    later = article(slug="zq-later", parent=section)
    assert reached(later) == set()
    assert reached(edition(later, "zh-hant")) == set()
    assert NewsArticlePage.objects.filter(slug="zq-later").count() == 2

    # An article private on its own, translated below the private section (where
    # Wagtail's copy leaves its restriction out), stays private when it opens.
    own = article(
        slug="zq-own",
        parent=section,
        privacy={"restriction_type": "groups", "groups": [readers]},
    )
    set_privacy(section, "none")
    assert reached(hant_child) == EVERY_WAY
    assert restriction_of(edition(own, "zh-hant")) == ("groups", "", {"zq readers"})
    assert reached(edition(own, "zh-hant")) == set()


def test_restricted_before_this_fix_edition_is_private_after_the_migration(
    article, reached, readers
):
    """Restrictions set before editions were kept in step (written here without
    the signals) reach the editions without one; an edition's own stays."""
    migration = importlib.import_module(
        "cms.localization.migrations.0001_view_restrictions_in_step"
    )
    page = article()
    hant = edition(page, "zh-hant")
    other = article(slug="zq-other")
    other_hant = edition(other, "zh-hant")
    PageViewRestriction.objects.bulk_create(
        [
            PageViewRestriction(page=page, restriction_type="groups"),
            PageViewRestriction(page=other, restriction_type="login"),
            PageViewRestriction(
                page=other_hant, restriction_type="password", password="zq-own"
            ),
        ]
    )
    PageViewRestriction.groups.through.objects.create(
        pageviewrestriction=PageViewRestriction.objects.get(page=page), group=readers
    )
    assert reached(hant) == EVERY_WAY

    migration.copy_missing(django_apps, None)

    assert restriction_of(hant) == ("groups", "", {"zq readers"})
    assert reached(hant) == set()
    assert restriction_of(other_hant) == ("password", "zq-own", set())


# An outside review found three more ways a synchronised edition stayed public
# after its source was withdrawn: the source moved into a private section,
# unpublished, or given an expiry after publication (cms/localization/placement.py).


def private_news_section(publish, set_privacy=None):
    """A second news section in zh-hans (published, so with its zh-hant edition
    too unless `set_privacy` is None: then a draft), private by login."""
    home = HomePage.objects.get(locale__language_code="zh-hans")
    section = NewsIndexPage(title="会员专区 zq", slug="zq-members", intro="")
    section.live = False
    home.add_child(instance=section)
    if set_privacy is None:
        return section
    section = publish(section)
    set_privacy(section, "login")
    return section


def test_source_moved_into_private_section_takes_its_editions_along(
    article, reached, set_privacy, publish
):
    page = article()
    hant = edition(page, "zh-hant")
    assert reached(hant) == EVERY_WAY  # the control
    section = private_news_section(publish, set_privacy)

    page.move(section, pos="last-child")

    hant.refresh_from_db()
    assert hant.get_parent().pk == edition(section, "zh-hant").pk
    assert reached(hant) == set()
    assert reached(NewsArticlePage.objects.get(pk=page.pk)) == set()


def test_source_moved_where_the_locale_has_no_parent_unpublishes_its_editions(
    article, publish
):
    page = article()
    hant = edition(page, "zh-hant")
    parent = hant.get_parent()
    assert hant.live
    section = private_news_section(publish)  # a draft: no zh-hant edition

    page.move(section, pos="last-child")

    hant.refresh_from_db()
    assert not hant.live
    assert hant.get_parent().pk == parent.pk


def test_unpublished_source_unpublishes_its_editions(article, reached):
    page = article()
    hant = edition(page, "zh-hant")
    assert reached(hant) == EVERY_WAY  # the control

    page.unpublish()

    assert reached(hant) == set()


def test_expiry_set_after_publication_reaches_its_editions(article, reached, publish):
    page = article()
    hant = edition(page, "zh-hant")
    past = hant.last_published_at  # any moment before now

    page.expire_at = past
    publish(page)  # content unchanged: no new synchronisation

    hant.refresh_from_db()
    assert hant.expire_at == past
    assert reached(hant) == set()
