"""The demo site: three locale trees, their section roots and a real news article.

`load_demo` (and `make run`) call `load()`. It only creates what is missing and never
edits or re-publishes what exists, so running it again changes nothing and editors'
changes to demo pages survive.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.html import format_html
from wagtail.models import Locale, Page, Site

from home.models import HomePage
from newsroom.legacy import parse_legacy_article
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import OrganisationIndexPage

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
LEGACY_ARTICLE = CONTENT_DIR / "2021-07-12-party-building-guidance-visit.txt"

SITE_NAME = "浙江省中小企业协会"

# Per locale: (home, news section, organisation section) fields.
TREES = {
    "zh-hans": {
        "home": {
            "title": "浙江省中小企业协会",
            "intro": "浙江省中小企业协会是全省中小企业的服务平台。",
        },
        "news": {"title": "协会动态", "intro": "协会工作、会议、通知与政策动态。"},
        "about": {"title": "关于协会"},
    },
    "zh-hant": {
        "home": {
            "title": "浙江省中小企業協會",
            "intro": "浙江省中小企業協會是全省中小企業的服務平台。",
        },
        "news": {"title": "協會動態", "intro": "協會工作、會議、通知與政策動態。"},
        "about": {"title": "關於協會"},
    },
    "en": {
        "home": {
            "title": "Zhejiang Small and Medium Enterprises Association",
            "intro": "The service platform for small and medium enterprises.",
        },
        "news": {
            "title": "News",
            "intro": "The association's work, meetings, notices and policy news.",
        },
        "about": {"title": "About the association"},
    },
}
SECTIONS = [("news", NewsIndexPage), ("about", OrganisationIndexPage)]


def ensure_page(parent, model, slug, source=None, **fields):
    """The child of `parent` with `slug`, created and published if missing.

    `source`, when given, is the page this one translates: the new page shares its
    translation key.
    """
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(
        slug=slug,
        locale_id=parent.locale_id,
        translation_key=source.translation_key if source else uuid.uuid4(),
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_home(root, locale, source):
    """The locale's home page below Wagtail's root, created if missing."""
    existing = HomePage.objects.child_of(root).filter(locale=locale).first()
    if existing is not None:
        return existing
    page = HomePage(
        slug=f"home-{locale.language_code}",
        locale=locale,
        translation_key=source.translation_key if source else uuid.uuid4(),
        **TREES[locale.language_code]["home"],
    )
    root.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_default_site(home):
    """Point the default Site at the default locale's home page.

    Wagtail's first migration makes a placeholder "Welcome" page the site root; it is
    removed once the real home page replaces it, if nobody has put pages below it.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name=SITE_NAME,
        )
        return
    if site.root_page_id == home.pk:
        return
    placeholder = site.root_page
    site.root_page = home
    site.site_name = SITE_NAME
    site.save()
    if type(placeholder.specific) is Page and placeholder.is_leaf():
        placeholder.delete()


def ensure_locales():
    """A Locale for each content language, default first."""
    return [
        Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    ]


def ensure_legacy_article(news_index):
    """The old site's article, entered as a page of the Traditional Chinese tree."""
    article = parse_legacy_article(LEGACY_ARTICLE.read_text(encoding="utf-8"))
    return ensure_page(
        news_index,
        NewsArticlePage,
        slug="2021-07-12-party-building-guidance-visit",
        title=article.title,
        date=article.date,
        summary=article.summary,
        body=[(kind, _block_value(kind, text)) for kind, text in article.body],
    )


def _block_value(kind, text):
    if kind == "heading":
        return {"text": text, "level": "2"}
    return format_html("<p>{}</p>", text)


@transaction.atomic
def load():
    """Create whatever of the demo site is missing; return the home pages by locale."""
    locales = ensure_locales()
    root = Page.get_first_root_node()
    homes, sections = {}, {}
    source_home = None
    for locale in locales:
        code = locale.language_code
        home = homes[code] = ensure_home(root, locale, source_home)
        source_home = source_home or home
        for slug, model in SECTIONS:
            source = sections.get(slug)
            page = ensure_page(home, model, slug, source=source, **TREES[code][slug])
            sections.setdefault(slug, page)
            if code == "zh-hant" and slug == "news":
                ensure_legacy_article(page)
    ensure_default_site(homes[locales[0].language_code])
    return homes
