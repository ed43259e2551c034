from django.db import migrations

import cms.search.database


class Migration(migrations.Migration):
    dependencies = [("cms_search", "0005_entry_date_title_document")]

    operations = [
        migrations.RunPython(
            cms.search.database.install_count, cms.search.database.uninstall_count
        ),
    ]
