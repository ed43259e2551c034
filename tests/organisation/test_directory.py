"""The member directory in GraphQL and in the admin, at its real size: 5,000
companies from the seeded generator (`directory` in conftest.py), whose tier sizes
are 17, 51, 177, 503 and the rest members."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from cms.localization.translators import converter
from organisation.models import MemberCompany, MembershipTier

# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory")]

TIERS = "query ($locale: String) { membershipTiers(locale: $locale) { name slug rank memberCount } }"  # noqa: E501
COMPANIES = """query ($tier: String, $region: String, $industry: String, $page: Int,
  $perPage: Int, $locale: String) {
  memberCompanies(tier: $tier, region: $region, industry: $industry, page: $page,
    perPage: $perPage, locale: $locale) {
    totalCount page perPage numPages hasNextPage
    items { name creditCode tier { name slug rank } region { name slug }
            industry { name slug } website joinDate }
  }
}"""


def test_tier_counts_come_from_the_data(gql):
    tiers = gql(TIERS, locale="zh-hant")["membershipTiers"]
    assert [(t["name"], t["memberCount"]) for t in tiers] == [
        ("常務副會長單位", 17),
        ("副會長單位", 51),
        ("常務理事單位", 177),
        ("理事單位", 503),
        ("會員單位", 4252),
    ]
    three = MemberCompany.objects.filter(tier__slug="director").values_list(
        "pk", flat=True
    )[:3]
    MemberCompany.objects.filter(pk__in=list(three)).update(active=False)
    director = gql(TIERS, locale="en")["membershipTiers"][3]
    assert director == {
        "name": "Director members",
        "slug": "director",
        "rank": 4,
        "memberCount": 500,
    }


def test_filters_and_paging(gql):
    data = gql(COMPANIES, tier="executive-vice-president", perPage=5, page=4)
    page = data["memberCompanies"]
    assert page["totalCount"] == 17 and page["numPages"] == 4
    assert len(page["items"]) == 2 and not page["hasNextPage"]
    assert {i["tier"]["slug"] for i in page["items"]} == {"executive-vice-president"}
    expected = MemberCompany.objects.filter(
        region__slug="hangzhou-xihu", industry__slug="manufacturing", active=True
    ).count()
    data = gql(COMPANIES, region="hangzhou-xihu", industry="manufacturing", perPage=100)
    items = data["memberCompanies"]["items"]
    assert data["memberCompanies"]["totalCount"] == expected > 0
    assert {(i["region"]["name"], i["industry"]["name"]) for i in items} == {
        ("杭州市西湖区", "制造业")
    }
    english = gql(
        COMPANIES, region="hangzhou-xihu", industry="manufacturing", locale="en"
    )
    item = english["memberCompanies"]["items"][0]
    assert item["region"] == {
        "name": "Xihu District, Hangzhou",
        "slug": "hangzhou-xihu",
    }
    assert item["industry"] == {"name": "Manufacturing", "slug": "manufacturing"}
    hant = gql(COMPANIES, region="hangzhou-xihu", perPage=1, locale="zh-hant")
    assert hant["memberCompanies"]["items"][0]["region"]["name"] == "杭州市西湖區"


def test_tier_names_follow_the_locale_and_fall_back(gql):
    query = 'query ($l: String) { memberCompanies(tier: "member", perPage: 1, locale: $l) { items { tier { name } } } }'  # noqa: E501
    names = {
        code: gql(query, l=code)["memberCompanies"]["items"][0]["tier"]["name"]
        for code in ("zh-hans", "zh-hant", "en")
    }
    assert names == {"zh-hans": "会员单位", "zh-hant": "會員單位", "en": "Members"}
    MembershipTier.objects.filter(slug="member", locale__language_code="en").delete()
    fallback = gql(query, l="en")["memberCompanies"]["items"][0]["tier"]["name"]
    assert fallback == "会员单位"


def test_company_names_follow_the_reader(gql):
    """The registered name is shown in the reader's script, or as the company's
    English name on the English site (else as registered); `registeredName`
    stays as registered everywhere."""
    company = MemberCompany.objects.filter(active=True, tier__slug="member").first()
    company.name = "杭州锦恒实业发展有限公司"
    company.save()  # indexed as the admin saves it
    query = """query ($l: String, $search: String) {
      memberCompanies(locale: $l, search: $search) {
        items { name registeredName englishName } } }"""

    def found(code, search="锦恒实业发展"):
        [company] = gql(query, l=code, search=search)["memberCompanies"]["items"]
        return company

    registered = "杭州锦恒实业发展有限公司"
    assert found("zh-hans")["name"] == registered
    assert found("zh-hant")["name"] == "杭州錦恆實業發展有限公司"
    assert found("en") == {
        "name": registered,
        "registeredName": registered,
        "englishName": "",
    }
    english = "Hangzhou Jinheng Industrial Development Co., Ltd."
    company.english_name = english
    company.save()
    assert found("en", "Jinheng")["name"] == english
    assert {found(c)["registeredName"] for c in ("zh-hans", "zh-hant", "en")} == {
        registered
    }


def test_inactive_companies_are_not_listed(gql):
    company = MemberCompany.objects.filter(
        tier__slug="executive-vice-president"
    ).first()
    company.active = False
    company.save()
    data = gql(COMPANIES, tier="executive-vice-president", perPage=50)
    codes = {i["creditCode"] for i in data["memberCompanies"]["items"]}
    assert company.credit_code not in codes and len(codes) == 16


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"perPage": 101}, "perPage 101 on memberCompanies is over the maximum page"),
        ({"perPage": 0}, "perPage must be between 1 and 100"),
        ({"page": 0}, "page must be between 1"),
        ({"locale": "fr"}, "Unknown locale 'fr'"),
    ],
)
def test_bad_arguments(gql, variables, message):
    [error] = gql.errors(COMPANIES, **variables)
    assert message in error


def test_a_page_of_the_directory_costs_the_same_queries_at_any_size(gql):
    counts = []
    for per_page in (5, 100):
        gql(COMPANIES, tier="member", perPage=per_page)
        with CaptureQueriesContext(connection) as captured:
            data = gql(COMPANIES, tier="member", perPage=per_page)
        assert len(data["memberCompanies"]["items"]) == per_page
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_admin_lists_filters_and_searches_thousands_of_companies(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    director = MembershipTier.objects.get(
        slug="director", locale__language_code="zh-hans"
    )
    url = "/admin/snippets/organisation/membercompany/"
    counts = []
    for params in ({"tier": director.pk}, {"tier": director.pk, "p": 3}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    company = MemberCompany.objects.filter(tier=director).first()
    html = client.get(url, {"tier": director.pk}).content.decode()
    assert "503" in html
    # The listing searches Wagtail's index, which the directory leaves out.
    get_search_backend().add(company)
    found = client.get(url, {"q": company.credit_code}).content.decode()
    assert company.name in found
    by_name = client.get(url, {"q": company.name[2:6]}).content.decode()
    assert company.name in by_name
    traditional = converter("s2t").convert(company.name[2:6])
    assert company.name in client.get(url, {"q": traditional}).content.decode()
