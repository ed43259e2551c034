"""The editorial groups, their permissions and the news workflow (home.roles).

Permissions are normally made after all migrations (post_migrate); they are made
here first so that a new database gets its groups with their permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.roles import ensure_roles, remove_roles


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps)


def backwards(apps, schema_editor):
    remove_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_sharing_image"),
        ("newsroom", "0007_body_chooser_blocks_read_per_request"),
        ("organisation", "0005_company_english_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
