"""Existing view restrictions reach every edition (cms/localization/privacy.py).

Until then a restriction stayed on the edition it was set on. Every edition of
restricted content that has no restriction of its own gets a copy of the
content's (the earliest, should editions differ). Nothing is removed or loosened:
an edition with a restriction keeps it.
"""

from django.db import migrations


def copy_missing(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Restriction = apps.get_model("wagtailcore", "PageViewRestriction")
    references = {}
    for restriction in Restriction.objects.select_related("page").order_by("pk"):
        references.setdefault(restriction.page.translation_key, restriction)
    unrestricted = Page.objects.filter(translation_key__in=list(references)).exclude(
        pk__in=Restriction.objects.values("page_id")
    )
    for page_id, key in unrestricted.values_list("pk", "translation_key"):
        reference = references[key]
        copy = Restriction.objects.create(
            page_id=page_id,
            restriction_type=reference.restriction_type,
            password=reference.password,
        )
        copy.groups.set(reference.groups.all())


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(copy_missing, migrations.RunPython.noop)]
