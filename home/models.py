"""The home page of each locale, and the site's content per locale: its settings
(name, contact details, filings, social accounts) and its menus."""

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLImage, GraphQLStreamfield
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.content.previews import frontend_preview_url, make_token
from cms.content.visibility import visible_pages

from .blocks import SocialLinkBlock, menu_item_block
from .graphql_fields import texts
from .slugs import free_slug, is_derived_from_title, title_slug


def default_locale_only():
    """`limit_choices_to` for relations to translatable snippets.

    Relations point at the default locale's row; its translations (same
    translation key) give readers the text in their language. Offering only
    default-locale rows keeps editors from linking a translation by mistake.
    """
    return models.Q(locale__language_code=settings.LANGUAGE_CODE)


def default_locale_relation(
    to, verbose_name, on_delete, related_name, optional=False, **options
):
    """A foreign key to a translatable snippet, offering editors only the default
    locale's rows (see default_locale_only); an `optional` one may be empty."""
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        limit_choices_to=default_locale_only,
        **options,
    )


def optional_image(verbose_name):
    """An optional image from the library, with no reverse relation: deleting the
    image leaves the field empty rather than deleting what shows it."""
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class NamedTranslatable(TranslatableMixin, models.Model):
    """A translatable snippet that the admin lists and offers by its name."""

    class Meta(TranslatableMixin.Meta):
        abstract = True

    def __str__(self):
        return self.name


def unique_slug_per_locale(name="unique_%(class)s_slug_per_locale"):
    """The slug is the key frontends filter by: unique within a locale."""
    return models.UniqueConstraint(fields=["locale", "slug"], name=name)


class SlugKeyed(NamedTranslatable):
    """A named translatable snippet with a slug as its key (labels, membership
    tiers, organisational units): all translations share the slug, which
    wagtail-localize would otherwise offer for translation."""

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(NamedTranslatable.Meta):
        abstract = True
        constraints = [unique_slug_per_locale()]


class TranslatableLabel(SlugKeyed):
    """A translatable name with a stable slug: news categories, regions,
    industries. The slug is the key frontends filter by; it is unique per locale,
    and translations usually share it."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        allow_unicode=True,
        help_text=_("Stable key used in frontend URLs and the API's filters."),
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]

    # One GraphQL type per label model, named by grapple after it (NewsCategory,
    # Region, Industry); resolvedLocale and translationStatus: cms.api.extensions.
    graphql_fields = texts("name", "slug")

    class Meta(SlugKeyed.Meta):
        abstract = True
        ordering = ["name"]


class BasePageForm(WagtailAdminPageForm):
    """The admin form of every page: a new page whose slug nobody typed gets one from
    its title in the configured style (home.slugs), free among its siblings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        title, slug = self.cleaned_data.get("title"), self.cleaned_data.get("slug")
        if self.instance.pk is None and title and is_derived_from_title(slug, title):
            self.cleaned_data["slug"] = free_slug(title_slug(title), self.parent_page)
        return super().clean()


class BasePage(Page):
    """What every page type of the project shares.

    The association's sites are separate frontends reading GraphQL; Wagtail's own
    rendering (the admin preview when no frontend is configured, direct visits)
    is a reading page per type (`<app>/<model>.html` on cms/templates/reading/
    base.html), in the page's language whatever the admin's or the URL's is.
    Slugs of new pages follow settings.CMS_SLUG_STYLE, in the admin (BasePageForm)
    and when code creates a page without a slug.

    Every page has a sharing image (`og_image`, for og:image and link previews)
    beside Wagtail's SEO title and search description: a field here, so that
    every page type has it in its own table, with no join and one edit tab. When
    it is empty, the first of `sharing_image_fields` that is set stands in (a
    news article's cover), then the site settings' default (cms.api.seo).
    """

    og_image = optional_image(_("sharing image"))

    promote_panels = [
        *Page.promote_panels,
        FieldPanel(
            "og_image",
            help_text=_(
                "Shown when the page is shared (og:image); 1200×630 fits best. "
                "Empty: the cover image, else the site's default."
            ),
        ),
    ]
    # The image fields that make the sharing image, first set first.
    sharing_image_fields = ("og_image",)

    base_form_class = BasePageForm

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        parent = self.get_parent() if self.path else None
        if self.pk is None and not self.slug and parent and self.title:
            self.slug = free_slug(title_slug(self.title), parent, self)
        super().full_clean(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """What every reading page shows around its own content: the home page of
        its locale and the site's name in it (the header), and its other visible
        editions (the language links)."""
        context = super().get_context(request, *args, **kwargs)
        in_locale = {"locale_id": self.locale_id}
        context["locale_home"] = HomePage.objects.filter(**in_locale).first()
        context["site_settings"] = SiteSettings.objects.filter(**in_locale).first()
        context["editions"] = visible_pages(self.get_translations()).select_related(
            "locale"
        )
        return context

    def visible_children(self):
        """The page's children anonymous readers may see, in the tree's order
        (index pages list them)."""
        return visible_pages(self.get_children()).specific()

    def in_own_language(self, view, *args):
        """`view`'s response rendered in the page's language (UI words, dates,
        `lang`): the admin's preview runs in the editor's language, and a page
        reached under another prefix would otherwise follow the URL."""
        with translation.override(self.locale.language_code):
            response = view(*args)
            if hasattr(response, "render"):
                response.render()
        return response

    def serve(self, request, *args, **kwargs):
        return self.in_own_language(super().serve, request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        """With a frontend preview URL for the page's site and locale
        (settings.CMS_PREVIEW_URL, cms.content.previews), the preview is the
        frontend's: it gets a new token for the state being previewed (the edit
        form's, so each refresh of the live preview panel shows the editor's
        latest changes) and the page's locale. Otherwise, or for a page not yet
        saved once, the reading template."""
        url = self.pk and frontend_preview_url(self)
        if url:
            token = quote(make_token(self), safe="")
            locale = self.locale.language_code
            return redirect(url.format(token=token, locale=locale))
        return self.in_own_language(super().serve_preview, request, mode_name)


class SectionPage(BasePage):
    """The root of a section (news, organisation) in one locale: directly below
    that locale's home page, one per locale, the editions translations of each
    other so that a language switcher can move between them."""

    parent_page_types = ["home.HomePage"]

    class Meta:
        abstract = True


class HomePage(BasePage):
    """The home page of one locale and the root of that locale's tree.

    There is one per locale (zh-hans, zh-hant, en), all translations of each other and
    children of Wagtail's root. The default Site points at the zh-hans one; Wagtail
    reaches the others through the site root's translations and serves each under its
    language prefix (/zh-hans/, /zh-hant/, /en/). Section roots (news, organisation)
    sit directly below it.
    """

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A short introduction to the association, shown on the home page."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    graphql_fields = texts("intro")

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["newsroom.NewsIndexPage", "organisation.OrganisationIndexPage"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


def image_field(verbose_name, help_text=""):
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=verbose_name,
        help_text=help_text,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class OnePerLocale:
    """A translatable snippet of which each locale has at most one row (per
    `one_per_locale_fields`): the admin says so instead of failing on the
    database's constraint, which it cannot check itself since `locale` is not a
    form field."""

    one_per_locale_fields = ()

    def clean(self):
        super().clean()
        same = {name: getattr(self, name) for name in self.one_per_locale_fields}
        others = type(self).objects.filter(locale_id=self.locale_id, **same)
        if others.exclude(pk=self.pk).exists():
            raise ValidationError(
                _("This locale already has one: edit it instead of adding another.")
            )


class SiteSettings(OnePerLocale, TranslatableMixin, models.Model):
    """The association's details in one locale: name, logo, contact details, the
    filing numbers a website in mainland China must show in its footer, and its
    social accounts. Frontends read them with `siteSettings(locale:)`.

    A row per locale, not Wagtail's BaseSiteSetting (one per Site): the
    association runs one Site with three locale trees, and its name and address
    differ by language. The rows are translations of each other
    (wagtail-localize; the zh-hant edition follows the zh-hans one); numbers,
    addresses on the web and images are the same in every locale, only the texts
    are translated.
    """

    name = models.CharField(_("name"), max_length=100)
    logo = image_field(_("logo"))
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    icp_number = models.CharField(
        _("ICP filing number"),
        max_length=50,
        blank=True,
        help_text=_("ICP备案号, e.g. 浙ICP备12345678号-1; shown in the footer."),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=50,
        blank=True,
        help_text=_("公安备案号, e.g. 浙公网安备 33010602000001号."),
    )
    public_security_url = models.URLField(
        _("public security filing link"),
        blank=True,
        help_text=_("The filing's record on beian.mps.gov.cn, linked from the number."),
    )
    wechat_name = models.CharField(
        _("WeChat official account"), max_length=100, blank=True
    )
    wechat_qr_code = image_field(
        _("WeChat QR code"), _("The official account's QR code, for readers to scan.")
    )
    default_og_image = image_field(
        _("default sharing image"),
        _(
            "Shown when a page without an image of its own is shared (og:image); "
            "1200×630 fits best."
        ),
    )
    weibo_url = models.URLField(_("Weibo"), blank=True)
    social_links = StreamField(
        [("link", SocialLinkBlock())],
        verbose_name=_("other social links"),
        blank=True,
        help_text=_("Accounts on other networks, in the order to show them."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
                FieldPanel("public_security_url"),
            ],
            heading=_("Filings"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("wechat_name"),
                FieldPanel("wechat_qr_code"),
                FieldPanel("weibo_url"),
                FieldPanel("social_links"),
            ],
            heading=_("Social media"),
        ),
        FieldPanel("default_og_image"),
    ]

    # Numbers and links: the same in every locale.
    SHARED = (
        "phone",
        "email",
        "icp_number",
        "public_security_number",
        "public_security_url",
        "wechat_name",
        "weibo_url",
    )

    graphql_fields = [
        *texts("name"),
        GraphQLImage("logo"),
        *texts("address", *SHARED),
        GraphQLImage("wechat_qr_code"),
        GraphQLStreamfield("social_links"),
        GraphQLImage("default_og_image"),
    ]

    override_translatable_fields = [SynchronizedField(name) for name in SHARED]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.UniqueConstraint(
                fields=["locale"], name="one_site_settings_per_locale"
            )
        ]

    def __str__(self):
        return self.name


class Menu(OnePerLocale, TranslatableMixin, models.Model):
    """A navigation menu of one locale: the header's or the footer's. Frontends read
    it with `menu(key:, locale:)`; a locale without its own falls back along the
    request's chain.

    A translatable snippet whose items are a StreamField: editors nest and order
    them in one form, and wagtail-localize translates the labels. Items name pages
    by the edition an editor chose; readers get the page's edition in their locale
    (home.schema), and pages they cannot see are left out.
    """

    class Key(models.TextChoices):
        HEADER = "header", _("Header")
        FOOTER = "footer", _("Footer")

    key = models.CharField(_("menu"), max_length=20, choices=Key.choices)
    items = StreamField(
        [("item", menu_item_block())], verbose_name=_("items"), blank=True
    )

    panels = [FieldPanel("key"), FieldPanel("items")]
    one_per_locale_fields = ("key",)

    # `items`: home.schema (a page is read in the reader's locale chain).
    graphql_fields = texts("key")

    override_translatable_fields = [SynchronizedField("key")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("menu")
        verbose_name_plural = _("menus")
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "key"], name="one_menu_per_locale"
            )
        ]

    def __str__(self):
        return self.get_key_display()
