from django.db import migrations

import cms.search.backends


class Migration(migrations.Migration):
    """Entries' texts out of line on PostgreSQL (cms.search.backends:
    POSTGRESQL_NARROW); rows written before keep their layout until indexed
    again (a change of their object, or `rebuild_search_index`)."""

    dependencies = [("cms_search", "0006_count_function")]

    operations = [
        migrations.RunPython(
            cms.search.backends.install_narrow, cms.search.backends.uninstall_narrow
        ),
    ]
