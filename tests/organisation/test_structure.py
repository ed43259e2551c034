"""Units, people, positions and committees: GraphQL, history, news links."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from newsroom.models import NewsIndexPage
from organisation.models import CommitteePage, MemberCompany, OrgUnit, Person, Position
from tests import factories
from tests.client_cache import NormalisedCache
from tests.factories import NewsArticlePageFactory

# The association of tests.factories.structure: three committees (health,
# blockchain, digital-economy), three people, ten member companies.
# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("association")]
COMMITTEES = len(factories.COMMITTEES)

TREE = """query ($locale: String) { orgUnits(locale: $locale) {
  name slug unitType leaders { role roleLabel person { name } }
  children { name slug leaders { roleLabel person { name email phone } }
    children { name slug url leaders { role person { name } }
      recentNews(limit: 2) { title } } }
} }"""
COMMITTEE = """query ($slug: String!, $locale: String) {
  committee(slug: $slug, locale: $locale) {
    name url description
    chair { person { name } roleLabel }
    deputyChairs { person { name } }
    members { person { name } }
    recentNews { title }
  } }"""


def unit(slug):
    return OrgUnit.objects.get(slug=slug, locale=Locale.get_default())


def person(name, **fields):
    return Person.objects.create(name=name, locale=Locale.get_default(), **fields)


def today_minus(days):
    return datetime.date.today() - datetime.timedelta(days=days)


def test_the_tree_in_each_locale(gql):
    tree = gql(TREE, locale="zh-hans")["orgUnits"]
    [association] = tree
    assert association["name"] == "浙江省中小企业协会"
    assert association["leaders"] == [
        {
            "role": "executive-vice-president",
            "roleLabel": "常务副会长",
            "person": {"name": "蔡章生"},
        }
    ]
    children = {child["slug"]: child for child in association["children"]}
    assert list(children) == ["secretariat", "party-branch", "committees"]
    assert children["secretariat"]["leaders"][0]["roleLabel"] == "秘书长"
    committees = children["committees"]["children"]
    assert len(committees) == COMMITTEES
    assert committees[0]["name"] == "大健康专业委员会"
    assert committees[-1]["name"] == "数字经济专业委员会"
    assert committees[0]["url"] == "/zh-hans/about/committees/health/"
    english = gql(TREE, locale="en")["orgUnits"][0]
    assert english["leaders"][0]["person"]["name"] == "Cai Zhangsheng"
    assert english["children"][2]["children"][1]["name"] == "Blockchain Committee"


def test_tree_query_count_does_not_grow_with_the_tree(gql):
    """Leaders and recent news (with their categories) of every unit, for 2 or 12
    more committees."""
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    group = unit("committees")
    query = TREE.replace(
        "recentNews(limit: 2) { title }",
        "recentNews(limit: 2) { title categories { name } }",
    ).replace(
        "children { name slug url leaders { role person { name } }",
        "children { name slug url translationStatus { locale outOfDate } "
        "leaders { role person { name translationStatus { locale } } }",
    )
    counts, created = [], 0
    for total in (2, 12):
        while created < total:
            n = created
            article = NewsArticlePageFactory(parent=index, title=f"委员会新闻{n}")
            new = OrgUnit.objects.create(
                name=f"新委员会{n}",
                slug=f"new-{n}",
                unit_type="committee",
                parent=group,
                locale=Locale.get_default(),
            )
            Position.objects.create(person=person(f"主任{n}"), unit=new, role="chair")
            article.related_units = [new]
            article.save()
            created += 1
        gql(query)
        with CaptureQueriesContext(connection) as captured:
            data = gql(query)
        committees = data["orgUnits"][0]["children"][2]["children"]
        assert len(committees) == COMMITTEES + total
        news = [c["recentNews"] for c in committees if c["slug"].startswith("new-")]
        assert news == [
            [{"title": f"委员会新闻{n}", "categories": []}] for n in range(total)
        ]
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_committee_with_chair_deputies_members_and_history(gql):
    health = unit("health")
    chair = person("李主任", email="li@example.org", contact_public=True)
    former = person("前主任")
    Position.objects.create(person=chair, unit=health, role="chair")
    Position.objects.create(
        person=former,
        unit=health,
        role="chair",
        start_date=today_minus(800),
        end_date=today_minus(400),
    )
    for n, name in enumerate(["王副主任", "赵副主任"]):
        Position.objects.create(
            person=person(name), unit=health, role="deputy-chair", sort_order=n
        )
    Position.objects.create(person=person("委员甲"), unit=health, role="member")
    Position.objects.create(
        person=person("未来委员"),
        unit=health,
        role="member",
        start_date=today_minus(-30),
    )
    data = gql(COMMITTEE, slug="health")["committee"]
    assert data["name"] == "大健康专业委员会"
    assert data["url"] == "/zh-hans/about/committees/health/"
    assert data["chair"] == {"person": {"name": "李主任"}, "roleLabel": "主任"}
    assert data["deputyChairs"] == [
        {"person": {"name": "王副主任"}},
        {"person": {"name": "赵副主任"}},
    ]
    assert data["members"] == [{"person": {"name": "委员甲"}}]
    assert gql(COMMITTEE, slug="no-such")["committee"] is None
    assert gql(COMMITTEE, slug="secretariat")["committee"] is None
    query = 'query ($c: Boolean) { people(unit: "health", current: $c) { person { name } current } }'  # noqa: E501
    current = {p["person"]["name"] for p in gql(query, c=True)["people"]}
    assert "前主任" not in current and "未来委员" not in current and "李主任" in current
    history = gql(query, c=False)["people"]
    assert {"person": {"name": "前主任"}, "current": False} in history


def test_contact_details_only_when_published(gql):
    secretariat = unit("secretariat")
    Position.objects.create(
        person=person(
            "公开", email="a@example.org", phone="0571-1", contact_public=True
        ),
        unit=secretariat,
        role="staff",
    )
    Position.objects.create(
        person=person("保密", email="b@example.org", phone="0571-2"),
        unit=secretariat,
        role="staff",
    )
    query = '{ people(unit: "secretariat") { person { name email phone } } }'
    people = {p["person"]["name"]: p["person"] for p in gql(query)["people"]}
    assert people["公开"] == {
        "name": "公开",
        "email": "a@example.org",
        "phone": "0571-1",
    }
    assert people["保密"] == {"name": "保密", "email": None, "phone": None}


def test_a_position_cannot_end_before_it_starts():
    position = Position(
        role="member", start_date=today_minus(1), end_date=today_minus(5)
    )
    with pytest.raises(ValidationError):
        position.clean()


def test_organisation_overview_statistics(gql):
    data = gql(
        '{ organisation(locale: "zh-hant") { memberCount committeeCount '
        "unitCount tiers { name memberCount } } }"
    )["organisation"]
    assert data["memberCount"] == sum(factories.TIER_SIZES.values()) == 10
    assert data["committeeCount"] == COMMITTEES
    assert data["unitCount"] == COMMITTEES + 4
    assert data["tiers"][0] == {"name": "常務副會長單位", "memberCount": 2}


def test_articles_name_people_and_units_and_committees_list_their_news(gql):
    blockchain = unit("blockchain")
    cai = Person.objects.get(name="蔡章生", locale=Locale.get_default())
    hant_index = NewsIndexPage.objects.get(locale__language_code="zh-hant")
    article = NewsArticlePageFactory(parent=hant_index, title="區塊鏈論壇")
    draft = NewsArticlePageFactory(parent=hant_index, title="草稿", live=False)
    for page in (article, draft):
        page.related_units = [blockchain]
        page.related_people = [cai]
        page.save()
    query = """query ($id: ID) { newsArticle(id: $id) {
      relatedPeople { name } relatedUnits { name slug url } } }"""
    data = gql(query, id=article.pk)["newsArticle"]
    assert data["relatedPeople"] == [{"name": "蔡章生"}]
    assert data["relatedUnits"] == [
        {
            "name": "區塊鏈專業委員會",
            "slug": "blockchain",
            "url": "/zh-hant/about/committees/blockchain/",
        }
    ]
    hant = gql(COMMITTEE, slug="blockchain", locale="zh-hant")["committee"]
    assert hant["recentNews"] == [{"title": "區塊鏈論壇"}]
    assert (
        gql(COMMITTEE, slug="blockchain", locale="en")["committee"]["recentNews"] == []
    )


def test_committee_pages_sit_under_the_committee_index(db):
    page = CommitteePage.objects.get(slug="blockchain", locale__language_code="en")
    assert page.get_parent().specific_class.__name__ == "CommitteeIndexPage"
    assert page.unit == unit("blockchain")


def test_the_about_page_shows_live_statistics(gql):
    query = """{ page(urlPath: "/about/", locale: "en") {
      ... on OrganisationIndexPage {
        statistics { memberCount tiers { name memberCount } } }
    } }"""
    stats = gql(query)["page"]["statistics"]
    assert stats["memberCount"] == 10
    assert stats["tiers"][3] == {"name": "Director members", "memberCount": 3}
    MemberCompany.objects.filter(tier__slug="director").update(active=False)
    assert gql(query)["page"]["statistics"]["memberCount"] == 7


def test_committee_list_query_count_does_not_grow_with_members(gql):
    query = """{ committees { name chair { person { name } }
      deputyChairs { person { name } } members { person { name } roleLabel }
      recentNews { title } } }"""
    counts = []
    # One member, then 20: a role's label needs the locale codes (one query per
    # request) once there is a role to show.
    for members, more in ((1, 1), (20, 19)):
        for n in range(more):
            Position.objects.create(
                person=person(f"委员{members}-{n}"),
                unit=unit("blockchain"),
                role="member",
            )
        gql(query)
        with CaptureQueriesContext(connection) as captured:
            data = gql(query)
        blockchain = [c for c in data["committees"] if c["name"] == "区块链专业委员会"]
        assert len(blockchain[0]["members"]) == members
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_unit_cannot_be_part_of_itself(db):
    group = unit("committees")
    group.parent = group
    with pytest.raises(ValidationError):
        group.full_clean()
    blockchain = unit("blockchain")
    group.parent = blockchain
    with pytest.raises(ValidationError):
        group.full_clean()


def test_null_arguments_mean_the_defaults(gql):
    secretariat = unit("secretariat")
    Position.objects.create(
        person=person("离任"),
        unit=secretariat,
        role="staff",
        start_date=today_minus(90),
        end_date=today_minus(30),
    )
    query = 'query ($c: Boolean) { people(unit: "secretariat", current: $c) { person { name } } }'  # noqa: E501
    assert "离任" not in str(gql(query, c=None))
    hans = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    for _n in range(7):
        article = NewsArticlePageFactory(parent=hans)
        article.related_units = [unit("health")]
        article.save()
    news = 'query ($l: Int) { committee(slug: "health") { recentNews(limit: $l) { title } } }'  # noqa: E501
    assert len(gql(news, l=None)["committee"]["recentNews"]) == 5


def test_people_query_count_does_not_grow_with_positions(gql):
    query = (
        '{ people(unit: "health") { roleLabel person { name email } unit { name } } }'
    )
    counts = []
    for total in (2, 22):
        while Position.objects.filter(unit=unit("health")).count() < total:
            n = Position.objects.filter(unit=unit("health")).count()
            Position.objects.create(
                person=person(f"成员{n}"), unit=unit("health"), role="member"
            )
        gql(query)
        with CaptureQueriesContext(connection) as captured:
            assert len(gql(query)["people"]) == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_people_units_and_directory_names_have_a_translation_status(gql):
    query = """{ committee(slug: "blockchain", locale: "en") {
        translationStatus { locale published outOfDate }
        chair { person { translationStatus { locale } } } }
      memberCompanies(perPage: 1) { items {
        tier { translationStatus { locale } }
        region { translationStatus { locale } } } } }"""
    data = gql(query)
    everywhere = ["zh-hans", "zh-hant", "en"]
    committee = data["committee"]
    assert [s["locale"] for s in committee["translationStatus"]] == everywhere
    assert all(
        s["published"] and not s["outOfDate"] for s in committee["translationStatus"]
    )
    chair = committee["chair"]["person"]["translationStatus"]
    assert [s["locale"] for s in chair] == everywhere
    [company] = data["memberCompanies"]["items"]
    for name in ("tier", "region"):
        assert [s["locale"] for s in company[name]["translationStatus"]] == everywhere


def test_a_committee_status_links_each_locale_to_its_page(gql):
    """The language switcher of a committee page links to the committee's page in
    each locale; a locale where its page is not public has no URL."""
    CommitteePage.objects.get(
        unit=unit("blockchain"), locale__language_code="en"
    ).unpublish()
    query = """{ committee(slug: "blockchain", locale: "zh-hant") { url
        translationStatus { locale url published } } }"""
    committee = gql(query)["committee"]
    urls = {s["locale"]: s["url"] for s in committee["translationStatus"]}
    assert urls["zh-hant"] == committee["url"] and "/zh-hant/" in urls["zh-hant"]
    assert "/zh-hans/" in urls["zh-hans"]
    assert urls["en"] is None


def test_one_type_per_model_wherever_it_is_shown(gql):
    """A unit is an OrgUnit in the tree, the committee list, an article's units
    and search; a person is a Person; a position a Position (issue 13: one type
    per model)."""
    data = gql(
        """{ orgUnits { __typename leaders { __typename person { __typename } } }
          committees { __typename chair { __typename unit { __typename } } }
          membershipTiers { __typename }
          memberCompanies { items { __typename tier { __typename } } } }"""
    )
    assert {u["__typename"] for u in data["orgUnits"]} == {"OrgUnit"}
    leader = data["orgUnits"][0]["leaders"][0]
    assert (leader["__typename"], leader["person"]["__typename"]) == (
        "Position",
        "Person",
    )
    assert {c["__typename"] for c in data["committees"]} == {"OrgUnit"}
    chairs = [c["chair"] for c in data["committees"] if c["chair"]]
    assert chairs and {c["unit"]["__typename"] for c in chairs} == {"OrgUnit"}
    assert {t["__typename"] for t in data["membershipTiers"]} == {"MembershipTier"}
    [company, *_] = data["memberCompanies"]["items"]
    assert (company["__typename"], company["tier"]["__typename"]) == (
        "MemberCompany",
        "MembershipTier",
    )


NAMED = """query ($locale: String) {
  committees(locale: $locale) { __typename id name resolvedLocale
    chair { person { __typename id name resolvedLocale } } }
  membershipTiers(locale: $locale) { __typename id name } }"""


def test_a_normalised_client_cache_never_mixes_locales(gql):
    """Each item is its edition in the requested locale, with the edition's id: a
    client cache keyed by __typename:id keeps 区块链专业委员会 and its 繁體 and
    English editions apart (a row shown in a locale it has no edition in has an
    id naming that locale, and says so in resolvedLocale:
    tests/api/test_locale_ids.py)."""
    cache = NormalisedCache()
    for locale in ("zh-hans", "zh-hant", "en"):
        cache.write(NAMED, gql(NAMED, locale=locale))
    cache.check()
    names = {v["name"] for k, v in cache.objects.items() if k.startswith("OrgUnit:")}
    assert {"区块链专业委员会", "區塊鏈專業委員會", "Blockchain Committee"} <= names


def test_two_locales_in_one_request_keep_their_own_names(gql):
    """Rows shared by two lists of one request (the default locale's rows of an
    untranslated person) are read in each list's own locale."""
    data = gql(
        """{ hans: committees(locale: "zh-hans") { name chair { roleLabel
               person { name } } }
             en: committees(locale: "en") { name chair { roleLabel
               person { name } } } }"""
    )
    hans = {c["name"]: c["chair"] for c in data["hans"] if c["chair"]}
    english = {c["name"]: c["chair"] for c in data["en"] if c["chair"]}
    assert {chair["roleLabel"] for chair in hans.values()} == {"主任"}
    assert {chair["roleLabel"] for chair in english.values()} == {"Chair"}
    assert "Blockchain Committee" in english and "区块链专业委员会" in hans
