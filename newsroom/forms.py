"""Admin forms of the newsroom."""

from home.models import BasePageForm


class NewsArticlePageForm(BasePageForm):
    """Offers only the categories of the article's own locale: a category of another
    language would show up in this article's listings and filters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale_id = self.instance.locale_id or getattr(
            self.parent_page, "locale_id", None
        )
        if "categories" in self.fields and locale_id:
            field = self.fields["categories"]
            field.queryset = field.queryset.filter(locale_id=locale_id)
