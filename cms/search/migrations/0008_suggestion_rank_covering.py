from django.db import migrations

import cms.search.suggestions


class Migration(migrations.Migration):
    dependencies = [("cms_search", "0007_narrow_entries")]

    operations = [
        migrations.RunPython(
            cms.search.suggestions.install_covering,
            cms.search.suggestions.uninstall_covering,
        ),
    ]
