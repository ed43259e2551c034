"""Moderation emails wholly in the recipient's admin language (issue 18, item 7):
subject and body, Simplified for a zh-hans reviewer, Traditional for a zh-hant
one. Wagtail renders each email in its recipient's language; the subjects its
catalogs lack are in ours (home/wagtail_messages.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import translation
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail.users.models import UserProfile

from home.wagtail_messages import MISSING_FROM_WAGTAIL
from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory

# Names a message quotes (the content's, not the catalog's): the article, the
# workflow, its task, the users; and the admin's links.
CONTENT = ("关于举办数字化转型培训的通知", "新闻审核", "编辑审核", "小王")
URL = re.compile(r"https?://\S+")


def user(username, language, email, **fields):
    person = get_user_model().objects.create_superuser(
        username, email=email, password="pw", **fields
    )
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = language
    profile.save()
    return person


def english_left(text):
    """English words in a message once the quoted content and links are gone."""
    for name in CONTENT:
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]{2,}", URL.sub("", text))


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_wagtails_missing_messages_are_translated(language):
    names = ("title", "workflow", "requester", "editor", "counter", "model_name")
    values = dict.fromkeys((*names, "usage_count"), "")
    with translation.override(language):
        for message in MISSING_FROM_WAGTAIL:
            assert english_left(translation.gettext(message) % values) == []


def test_a_moderation_email_is_wholly_in_each_reviewers_language(
    client, db, django_capture_on_commit_callbacks
):
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    reviewers = Group.objects.create(name="审核组")
    workflow = Workflow.objects.create(name="新闻审核")
    task = GroupApprovalTask.objects.create(name="编辑审核")
    task.groups.add(reviewers)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=news)
    simplified = user("hans", "zh-hans", "hans@example.org", first_name="简")
    traditional = user("hant", "zh-hant", "hant@example.org", first_name="繁")
    reviewers.user_set.add(simplified, traditional)
    # The author has no email: only the reviewers are written to.
    client.force_login(user("author", "zh-hans", "", first_name="小王"))
    article = NewsArticlePageFactory(parent=news, title=CONTENT[0], live=False)
    data = nested_form_data(
        {
            "title": CONTENT[0],
            "slug": article.slug,
            "summary": "",
            "body": streamfield([]),
            "authors": inline_formset([]),
            "tags": "",
        }
    )
    data["action-submit"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 302
    assert article.current_workflow_state.status == "in_progress"
    by_recipient = {}
    for message in mail.outbox:
        by_recipient.setdefault(message.to[0], []).append(message)
    assert set(by_recipient) == {"hans@example.org", "hant@example.org"}
    for address, script_word, other_script_word in (
        ("hans@example.org", "页面", "頁面"),
        ("hant@example.org", "頁面", "页面"),
    ):
        messages = by_recipient[address]
        # The workflow's submission and its task's, each with its own subject.
        assert len(messages) == 2
        for message in messages:
            for text in (message.subject, message.body):
                assert english_left(text) == [], (address, text)
                assert other_script_word not in text
            assert script_word in message.subject and CONTENT[0] in message.subject
