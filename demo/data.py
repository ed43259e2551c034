"""The demo site's own texts: pure data (no database), which the demo loader
(demo.site) and the tests' skeleton (tests/factories.py) share.

Texts come one row a line: where a text goes, then the text in zh-hans, zh-hant
and en, as in the organisation app's demo tables.
"""

SITE_NAME = "浙江省中小企业协会"

# Each locale's tree, its home page and the two sections below it: page, field,
# then the text in zh-hans, zh-hant, en.
PAGE_TEXTS = [
    ("home", "title", "浙江省中小企业协会", "浙江省中小企業協會", "Zhejiang Small and Medium Enterprises Association"),
    ("home", "intro", "浙江省中小企业协会是全省中小企业的服务平台。", "浙江省中小企業協會是全省中小企業的服務平台。", "The service platform for small and medium enterprises."),
    ("news", "title", "协会动态", "協會動態", "News"),
    ("news", "intro", "协会工作、会议、通知与政策动态。", "協會工作、會議、通知與政策動態。", "The association's work, meetings, notices and policy news."),
    ("about", "title", "关于协会", "關於協會", "About the association"),
]  # fmt: skip

# News categories: slug, then the name in zh-hans, zh-hant, en. Made before the
# old site's (Traditional) article is imported, so that its category is found by
# name rather than made with the Traditional name as the slug of every edition.
NEWS_CATEGORIES = [
    ("association-news", "协会动态", "協會動態", "Association news"),
]  # fmt: skip


def page_fields(language_codes):
    """PAGE_TEXTS as {code: {page: {field: text}}}, for the language codes of its
    columns in their order."""
    fields = {code: {} for code in language_codes}
    for page, name, *texts in PAGE_TEXTS:
        for code, text in zip(language_codes, texts, strict=True):
            fields[code].setdefault(page, {})[name] = text
    return fields
