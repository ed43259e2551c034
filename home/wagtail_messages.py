"""Wagtail's own messages that its zh_Hans or zh_Hant catalog lacks, marked here
so that `makemessages` keeps their translations in ours (locale/), which Django
prefers to Wagtail's. Without them a moderation email came with an English
subject over a Chinese body: Wagtail renders each email in the recipient's admin
language, but finds no translation of the subject of "submitted to workflow".
Those of snippets ("The %(model_name)s ...") are missing too; no snippet here
goes through a workflow. The page search's result heading and the usage line of
the unpublish and delete views are missing from both as well.
Nothing imports this module at run time; tests/home/test_notifications.py checks
that each message is translated and that the emails are wholly in one language.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MISSING_FROM_WAGTAIL = [
    # wagtailadmin/pages/search_results.html (both)
    ngettext_lazy(
        "There is one matching page", "There are %(counter)s matching pages", 1
    ),
    # wagtailadmin/shared/usage_summary.html (both)
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        1,
    ),
    # wagtailadmin/notifications/workflow_state_submitted_subject.txt (both)
    gettext_noop('The page "%(title)s" has been submitted to workflow "%(workflow)s"'),
    # wagtailadmin/notifications/updated_comments_subject.txt, .txt, .html (zh_Hant)
    gettext_noop('%(editor)s has updated comments on "%(title)s"'),
    gettext_noop('%(editor)s has updated comments on "%(title)s".'),
    # wagtailadmin/notifications/workflow_state_submitted.txt and .html (zh_Hant)
    gettext_noop(
        'The page "%(title)s" has been submitted for moderation to workflow '
        '"%(workflow)s" by %(requester)s.'
    ),
    # The page editor (both): its error banner, autosave, checks panel and the
    # table block's header options (wagtail.contrib.table_block), as the
    # browser journeys found them in English (tests/browser).
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("Go to the first error"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Toggle checks"),
    gettext_noop("Show issue"),
    gettext_noop("Actions (footer)"),
    gettext_noop("Table headers"),
    gettext_noop("Display the first row as a header"),
    gettext_noop("Display the first column as a header"),
    gettext_noop("Display the first row AND first column as headers"),
    gettext_noop("No headers"),
    gettext_noop("Which cells should be displayed as headers?"),
    gettext_noop(
        "A heading that identifies the overall topic of the table, and is useful "
        "for screen reader users."
    ),
    gettext_noop("Select a header option"),
]
