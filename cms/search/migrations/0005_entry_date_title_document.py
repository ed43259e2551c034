from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

import cms.search.backends


def fill_dates(apps, schema_editor):
    """The news articles' entries' and suggestions' dates, from the articles
    (the only documents with one): as `NewsArticlePage.publication_date`, the
    edited date, else the first publication's, as a rebuild of the index would
    give."""
    SearchEntry = apps.get_model("cms_search", "SearchEntry")
    try:
        article = apps.get_model("newsroom", "NewsArticlePage")
    except LookupError:
        return
    own = article.objects.filter(pk=OuterRef("object_id"))
    day = own.annotate(day=Coalesce("date", TruncDate("first_published_at")))
    # The suggestions (0004) were made without dates; they rank by them too.
    for rows in (SearchEntry, apps.get_model("cms_search", "Suggestion")):
        rows.objects.filter(model="newsroom.newsarticlepage").update(
            date=Subquery(day.values("day")[:1])
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cms_search", "0004_suggestions"),
        ("newsroom", "0007_body_chooser_blocks_read_per_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="date",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
        migrations.RunPython(
            cms.search.backends.install_title, cms.search.backends.uninstall_title
        ),
    ]
