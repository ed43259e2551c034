"""Factories for test data: every model of home, newsroom and organisation, plus
Wagtail's images, documents and collections (wagtail_factories).

Tests build the data they assert on with these; only tests/home/test_demo.py and
tests/test_make_run.py load the demo site. `skeleton()` builds what nearly every
test needs (conftest.py builds it once per session).

Pages take `parent=` (wagtail_factories adds them below it, live, in the parent's
locale). Translatable snippets are made in the default locale unless `locale=` is
given; `translation_of(instance, code, **fields)` makes a translation that shares
the instance's translation key.
"""

import datetime
import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import factory
import wagtail_factories
from django.conf import settings
from django.db import transaction
from taggit.models import Tag
from wagtail.embeds.blocks import EmbedValue
from wagtail.models import Locale, Page, Site

from demo.data import SITE_NAME, page_fields
from home.models import HomePage, Menu, SiteSettings
from newsroom.models import (
    ArticleViewCount,
    NewsArticleAuthor,
    NewsArticlePage,
    NewsArticleTag,
    NewsCategory,
    NewsIndexPage,
)
from organisation.credit_code import (
    credit_code_check_character,
    organisation_code_check_character,
)
from organisation.models import (
    CommitteeIndexPage,
    CommitteePage,
    Industry,
    MemberCompany,
    MembershipTier,
    OrganisationIndexPage,
    OrgUnit,
    Person,
    Position,
    Region,
)

# Wagtail's own models, from wagtail_factories.
ImageFactory = wagtail_factories.ImageFactory
DocumentFactory = wagtail_factories.DocumentFactory
CollectionFactory = wagtail_factories.CollectionFactory

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def locale(code):
    return Locale.objects.get(language_code=code)


def default_locale():
    return Locale.get_default()


def credit_code(n):
    """A valid unified social credit code, a different one for every `n`."""
    rng = random.Random(n)  # noqa: S311 - test data
    body = "".join(rng.choice(CREDIT_ALPHABET) for _ in range(7)) + str(n % 10)
    first17 = "91330106" + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def in_locales(factory_class, editions, **common):
    """One item in several locales, its editions sharing a translation key:
    `editions` maps a locale code to that edition's own fields (pages: their
    `parent` there). Returns {code: instance}."""
    key = uuid.uuid4()
    return {
        code: factory_class(
            locale=locale(code), translation_key=key, **{**common, **fields}
        )
        for code, fields in editions.items()
    }


def translation_of(instance, code, **fields):
    """A translation of a snippet into locale `code`, sharing its translation key
    (and, unless given, its other field values)."""
    copy = instance.copy_for_translation(locale(code))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


# ------------------------------------------------------------------------ pages


class LocaleFactory(factory.django.DjangoModelFactory):
    language_code = "zh-hans"

    class Meta:
        model = Locale
        django_get_or_create = ("language_code",)


def numbered(text):
    """Declares a field as `text` followed by each instance's number (类别 0, 类别 1);
    "{}" marks where the number goes if not at the end (category-{})."""
    template = text if "{}" in text else text + " {}"
    return factory.Sequence(template.format)


class OwnKeyPageFactory(wagtail_factories.PageFactory):
    """A page with a translation key of its own; editions of one page share a key
    (pass `translation_key=`, or use `in_locales`)."""

    translation_key = factory.LazyFunction(uuid.uuid4)

    class Meta:
        abstract = True


def page_factory(model, title, **declarations):
    """The factory of a page type: numbered titles (`title` 0, `title` 1),
    each page its own translation key, plus `declarations`."""
    return factory.make_factory(
        model, FACTORY_CLASS=OwnKeyPageFactory, title=numbered(title), **declarations
    )


HomePageFactory = page_factory(
    HomePage, "首页", slug=numbered("home-{}"), intro="协会首页。"
)
NewsIndexPageFactory = page_factory(
    NewsIndexPage, "新闻栏目", slug="news", intro="协会新闻。"
)
OrganisationIndexPageFactory = page_factory(
    OrganisationIndexPage, "关于协会", slug="about"
)
CommitteeIndexPageFactory = page_factory(
    CommitteeIndexPage, "专业委员会", slug="committees"
)


class NewsArticlePageFactory(OwnKeyPageFactory):
    title = numbered("新闻")
    summary = "概览"
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))

    class Meta:
        model = NewsArticlePage
        skip_postgeneration_save = True

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        """`categories=[...]`: the article's categories, saved."""
        if extracted is not None:
            self.categories = extracted
            if create:
                self.save()


# Texts of `every_block_body` per locale: heading, paragraph, caption, quotation,
# attribution, document link text, table caption, table rows.
EVERY_BLOCK_TEXTS = {
    "zh-hans": ("一、协会创新工作情况", "协会秘书处参加会议。", "秘书处团队",
                "以党建为引领。", "王立安副书记", "下载通知", "会员统计",
                [["类别", "数量"], ["理事单位", "17"]]),
    "zh-hant": ("一、協會創新工作情況", "協會秘書處參加會議。", "秘書處團隊",
                "以黨建為引領。", "王立安副書記", "下載通知", "會員統計",
                [["類別", "數量"], ["理事單位", "17"]]),
    "en": ("1. Innovation at the association", "The secretariat attended.",
           "The secretariat", "Led by party building.", "Deputy secretary Wang",
           "Download the notice", "Members", [["Kind", "Count"], ["Directors", "17"]]),
}  # fmt: skip
EMBED_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
# The GraphQL types of `every_block_body`'s blocks, in its order.
EVERY_BLOCK_TYPES = [
    "HeadingBlock",
    "RichTextBlock",
    "ImageBlock",
    "QuoteBlock",
    "EmbedBlock",
    "DocumentBlock",
    "TableBlock",
]


def every_block_body(code, image, document):
    """A NewsArticlePage body with one block of each type it can hold, in that
    StreamField's order, in locale `code`'s words; the paragraph embeds `image`
    too."""
    heading, paragraph, caption, quote, who, link, table, rows = EVERY_BLOCK_TEXTS[code]
    return [
        ("heading", {"text": heading, "level": "3"}),
        (
            "paragraph",
            f"<p>{paragraph}</p>"
            f'<embed embedtype="image" id="{image.pk}" format="left" alt="{caption}"/>',
        ),
        ("image", {"image": image, "caption": caption, "alt_text": caption}),
        ("quote", {"text": quote, "attribution": who}),
        ("embed", EmbedValue(EMBED_URL)),
        ("document", {"document": document, "title": link}),
        (
            "table",
            {
                "caption": table,
                "table": {
                    "data": rows,
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_header_choice": "row",
                },
            },
        ),
    ]


# ---------------------------------------------------------------------- snippets


class TranslatableFactory(factory.django.DjangoModelFactory):
    """A translatable snippet, made in the default locale unless `locale=` is
    given."""

    locale = factory.LazyFunction(default_locale)

    class Meta:
        abstract = True


def label_factory(model, name, slug, **declarations):
    """The factory of a snippet known by a name and a slug key (the
    TranslatableLabel models, membership tiers): numbered names and slugs, e.g.
    地区 3 and region-3, plus `declarations`."""
    return factory.make_factory(
        model,
        FACTORY_CLASS=TranslatableFactory,
        name=numbered(name),
        slug=numbered(f"{slug}-{{}}"),
        **declarations,
    )


NewsCategoryFactory = label_factory(NewsCategory, "类别", "category")
MembershipTierFactory = label_factory(
    MembershipTier, "会员等级", "tier", rank=factory.Sequence(lambda n: n + 1)
)
RegionFactory = label_factory(Region, "地区", "region")
IndustryFactory = label_factory(Industry, "行业", "industry")


class NewsArticleAuthorFactory(factory.django.DjangoModelFactory):
    """An article's author line; pass `article=`."""

    name = numbered("作者")

    class Meta:
        model = NewsArticleAuthor


class TagFactory(factory.django.DjangoModelFactory):
    name = numbered("标签")
    slug = numbered("tag-{}")

    class Meta:
        model = Tag
        django_get_or_create = ("name",)


class NewsArticleTagFactory(factory.django.DjangoModelFactory):
    """A tag on an article; pass `content_object=` (or use `article.tags.add`)."""

    tag = factory.SubFactory(TagFactory)

    class Meta:
        model = NewsArticleTag


class ArticleViewCountFactory(factory.django.DjangoModelFactory):
    """An article's view counter; pass `article=`."""

    count = 0

    class Meta:
        model = ArticleViewCount


class MemberCompanyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"测试{n}科技有限公司")
    credit_code = factory.Sequence(credit_code)
    tier = factory.SubFactory(MembershipTierFactory)
    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)
    join_date = datetime.date(2020, 1, 1)

    class Meta:
        model = MemberCompany


class OrgUnitFactory(TranslatableFactory):
    name = numbered("部门")
    slug = numbered("unit-{}")
    unit_type = OrgUnit.UnitType.COMMITTEE

    class Meta:
        model = OrgUnit


class PersonFactory(TranslatableFactory):
    name = numbered("人员")

    class Meta:
        model = Person


class PositionFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = "chair"

    class Meta:
        model = Position


CommitteePageFactory = page_factory(
    CommitteePage,
    "委员会",
    slug=numbered("committee-{}"),
    unit=factory.SubFactory(OrgUnitFactory),
)


def association_news(slug="news"):
    """The association-news category (协会动态) in every locale, one translation
    key; {code: category}."""
    names = {"zh-hans": "协会动态", "zh-hant": "協會動態", "en": "Association news"}
    editions = {code: {"name": name} for code, name in names.items()}
    return in_locales(NewsCategoryFactory, editions, slug=slug)


# ---------------------------------------------------------------------- skeleton


@dataclass
class Skeleton:
    locales: dict = field(default_factory=dict)  # code -> Locale
    homes: dict = field(default_factory=dict)  # code -> HomePage
    news: dict = field(default_factory=dict)  # code -> NewsIndexPage
    about: dict = field(default_factory=dict)  # code -> OrganisationIndexPage
    site: Site = None


def publish(page):
    """Publish `page`'s current state as a revision, as the admin does."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def live_article(parent=None, **fields):
    """An article published below `parent` (by default the zh-hans news section)
    as the admin does, loaded afresh as a request would load it."""
    parent = parent or NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = NewsArticlePageFactory(parent=parent, **fields)
    page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk)


# The tables of what a query can ask of an article beyond its row (its view
# count is read for the listings' order anyway).
ARTICLE_RELATION_TABLES = (
    "wagtailimages_image",
    "wagtailimages_rendition",
    "taggit_tag",
    "newsroom_newsarticleauthor",
    "newsroom_newsarticlepage_categories",
    "newsroom_newsarticlepage_related_people",
    "newsroom_newsarticlepage_related_units",
)


def article_relations_read(captured):
    """The ARTICLE_RELATION_TABLES that the queries of `captured` (a
    CaptureQueriesContext) read: none when no field asks for them."""
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    return [table for table in ARTICLE_RELATION_TABLES if f'"{table}"' in sql]


def skeleton():
    """The Locales, one HomePage per locale (translations of each other) with a
    news section and an organisation section each, published, and the default
    Site on the default locale's home page. Call it in one transaction: the
    automatic zh-hant sync, which waits for the commit, then finds the zh-hant
    editions already there and leaves them alone."""
    built = Skeleton()
    root = Page.get_first_root_node()
    keys = {name: uuid.uuid4() for name in ("home", "news", "about")}
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        built.locales[code] = LocaleFactory(language_code=code)
    # The demo site's titles (demo.data, pure data); the factories' intros.
    for code, pages in page_fields(CODES).items():
        built.homes[code] = publish(
            HomePageFactory(
                parent=root,
                locale=built.locales[code],
                title=pages["home"]["title"],
                slug=f"home-{code}",
                translation_key=keys["home"],
            )
        )
        built.news[code] = publish(
            NewsIndexPageFactory(
                parent=built.homes[code],
                title=pages["news"]["title"],
                translation_key=keys["news"],
            )
        )
        built.about[code] = publish(
            OrganisationIndexPageFactory(
                parent=built.homes[code],
                title=pages["about"]["title"],
                translation_key=keys["about"],
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    placeholder = site.root_page if site else None
    if site is None:
        site = Site(hostname="localhost", is_default_site=True)
    site.root_page = built.homes[settings.LANGUAGE_CODE]
    site.site_name = SITE_NAME
    site.save()
    if placeholder is not None and placeholder.is_leaf():
        placeholder.delete()
    built.site = site
    return built


# ------------------------------------------------------------------ site content


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    name = SITE_NAME
    address = "浙江省杭州市"
    phone = "0571-00000000"
    email = "office@example.org"
    icp_number = "浙ICP备00000000号-1"
    public_security_number = "浙公网安备 33010000000000号"
    public_security_url = (
        "https://beian.mps.gov.cn/#/query/webSearch?code=33010000000000"
    )
    wechat_name = "浙江中小企业"
    weibo_url = "https://weibo.com/example"
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = SiteSettings


class MenuFactory(factory.django.DjangoModelFactory):
    """A menu; `items` are menu_item() values."""

    key = Menu.Key.HEADER
    items = factory.LazyFunction(list)
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = Menu


def menu_item(page=None, url="", label="", children=()):
    """One menu item as stored, for MenuFactory's `items` or another item's
    `children` (menu items of their own)."""
    value = {"page": page and page.pk, "url": url, "label": label}
    value["children"] = list(children)
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


# ------------------------------------------------------------------ organisation

ASSOCIATION = (
    "association",
    "浙江省中小企业协会",
    "浙江省中小企業協會",
    "Zhejiang SME Association",
)
SECRETARIAT = ("secretariat", "秘书处", "秘書處", "Secretariat")
PARTY_BRANCH = ("party-branch", "党支部", "黨支部", "Party branch")
COMMITTEE_GROUP = ("committees", "专业委员会", "專業委員會", "Specialist committees")
COMMITTEE_SUFFIX = ("专业委员会", "專業委員會", " Committee")
# A few committees, in their order.
COMMITTEES = [
    ("health", "大健康", "大健康", "Health"),
    ("blockchain", "区块链", "區塊鏈", "Blockchain"),
    ("digital-economy", "数字经济", "數字經濟", "Digital Economy"),
]
# slug, names, positions (unit slug, role)
PEOPLE = [
    (
        "cai",
        "蔡章生",
        "蔡章生",
        "Cai Zhangsheng",
        [
            ("association", "executive-vice-president"),
            ("secretariat", "secretary-general"),
        ],
    ),
    ("li", "李明", "李明", "Li Ming", [("blockchain", "chair")]),
    (
        "zhou",
        "周华",
        "周華",
        "Zhou Hua",
        [("blockchain", "deputy-chair"), ("digital-economy", "chair")],
    ),
]
# How many member companies of each tier `member_companies` makes.
TIER_SIZES = {"executive-vice-president": 2, "vice-president": 1,
              "executive-director": 1, "director": 3, "member": 3}  # fmt: skip


def each_locale(factory_class, entry, **common):
    """`entry` = (slug, zh-hans name, zh-hant name, en name): one item per locale
    with a shared translation key; returns the default locale's."""
    slug, *names = entry
    editions = {
        code: {"name": name} for code, name in zip(CODES, names[:3], strict=True)
    }
    return in_locales(factory_class, editions, slug=slug, **common)[CODES[0]]


def vocabularies():
    """Membership tiers, regions and industries in every locale; each as
    {slug: default-locale row}. They are the association's fixed vocabularies
    that the member import files name, and the generator of member companies
    uses: taken from organisation.demo_members, pure data, rather than copying
    37 rows."""
    from organisation.demo_members import INDUSTRIES, REGIONS, TIERS

    return {
        "tiers": {
            entry[0]: each_locale(MembershipTierFactory, entry, rank=rank)
            for rank, entry in enumerate(TIERS, 1)
        },
        "regions": {entry[0]: each_locale(RegionFactory, entry) for entry in REGIONS},
        "industries": {
            entry[0]: each_locale(IndustryFactory, entry) for entry in INDUSTRIES
        },
    }


def member_companies(vocab, sizes=TIER_SIZES):
    """Active member companies, `sizes[tier slug]` of each tier."""
    regions = list(vocab["regions"].values())
    industries = list(vocab["industries"].values())
    companies = []
    for slug, size in sizes.items():
        for _ in range(size):
            n = len(companies)
            companies.append(
                MemberCompanyFactory(
                    tier=vocab["tiers"][slug],
                    region=regions[n % len(regions)],
                    industry=industries[n % len(industries)],
                )
            )
    return companies


def unit_in_locales(entry, unit_type, parent=None, order=0, suffixes=("", "", "")):
    slug, *names = entry
    editions = {
        code: {"name": name + suffix}
        for code, name, suffix in zip(CODES, names, suffixes, strict=True)
    }
    return in_locales(
        OrgUnitFactory,
        editions,
        slug=slug,
        unit_type=unit_type,
        parent=parent,
        sort_order=order,
    )


def structure(
    about,
    committees=COMMITTEES,
    people=PEOPLE,
    top=(ASSOCIATION, SECRETARIAT, PARTY_BRANCH, COMMITTEE_GROUP),
    suffixes=COMMITTEE_SUFFIX,
):
    """The association's units in every locale (`top`: the association; its
    secretariat, party branch and committee group; `committees` below the group,
    named with `suffixes`), `people` with their positions, and the committee
    pages: a committee index below each locale's `about` page with a published
    page per committee. Returns the default locale's units by slug (and the
    people by slug under "people")."""
    Type = OrgUnit.UnitType
    association, secretariat, party_branch, group = top
    units = {"association": unit_in_locales(association, Type.ASSOCIATION)[CODES[0]]}
    parent = units["association"]
    for order, (entry, unit_type) in enumerate(
        [
            (secretariat, Type.SECRETARIAT),
            (party_branch, Type.PARTY_BRANCH),
            (group, Type.GROUP),
        ],
        1,
    ):
        units[entry[0]] = unit_in_locales(entry, unit_type, parent, order)[CODES[0]]
    names = {}
    for order, entry in enumerate(committees, 1):
        editions = unit_in_locales(
            entry, Type.COMMITTEE, units[group[0]], order, suffixes
        )
        units[entry[0]] = editions[CODES[0]]
        names[entry[0]] = {code: unit.name for code, unit in editions.items()}
    units["people"] = {}
    for slug, *names_and_positions in people:
        *person_names, positions = names_and_positions
        person = in_locales(
            PersonFactory,
            {
                code: {"name": name}
                for code, name in zip(CODES, person_names, strict=True)
            },
        )[CODES[0]]
        units["people"][slug] = person
        for unit_slug, role in positions:
            PositionFactory(person=person, unit=units[unit_slug], role=role)
    index_key, page_keys = uuid.uuid4(), {slug: uuid.uuid4() for slug in names}
    for code, name in zip(CODES, group[1:], strict=True):
        index = publish(
            CommitteeIndexPageFactory(
                parent=about[code], title=name, translation_key=index_key
            )
        )
        for slug in names:
            CommitteePageFactory(
                parent=index,
                title=names[slug][code],
                slug=slug,
                unit=units[slug],
                translation_key=page_keys[slug],
            )
    return units


@contextmanager
def rolled_back(django_db_blocker):
    """For module- or class-scoped data: a transaction open while the tests run
    (each in a savepoint inside it), rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def generated_member_companies(vocab, count, indexed=True):
    """`count` member companies at the directory's real size, from the seeded
    generator `organisation.demo_members.generated_companies` (a pure data
    builder: the same call gives the same companies; its tier sizes are
    demo_members.TIER_SIZES), written in bulk and indexed as an import is.

    `indexed=False` leaves the indexing out, for tests that never search: it is
    most of the cost (for 5,000 on PostgreSQL some 9 s of 10, in a few dozen
    queries: Wagtail's backend compiles each row's tsvector expressions in Python,
    ours makes the terms of three entries a company and the GIN index takes them)."""
    from organisation.demo_members import generated_companies
    from organisation.search import index_companies

    companies = MemberCompany.objects.bulk_create(
        MemberCompany(
            **{
                **company,
                "tier": vocab["tiers"][company["tier"]],
                "region": vocab["regions"][company["region"]],
                "industry": vocab["industries"][company["industry"]],
            }
        )
        for company in generated_companies(count)
    )
    if indexed:
        index_companies(companies)
    return companies
