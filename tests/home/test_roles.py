"""The editorial groups and the news workflow (home.roles), through the real admin:
editors per locale, reviewers, member-directory staff."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import (
    GroupPagePermission,
    Page,
    TaskState,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)
from wagtail.users.models import UserProfile

from home.roles import (
    EDITOR_PAGES,
    EDITORS,
    MEMBER_STAFF,
    NEWS_TASK,
    NEWS_WORKFLOW,
    REVIEWERS,
    ensure_roles,
)
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import MemberCompany
from tests.factories import MemberCompanyFactory, NewsArticlePageFactory

HOME = "/admin/"


@pytest.fixture
def roles(db):
    """The skeleton's trees exist: give the groups their page permissions and put
    the workflow on the news indexes, as the demo loader does."""
    ensure_roles()


def member(group, name, language="zh-hans"):
    user = get_user_model().objects.create_user(
        name, email=f"{name}@example.org", password="pw"
    )
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def logged_in(client, user):
    client.force_login(user)
    return client


def denied(response):
    """Wagtail's answer to a view the user may not use: back to the dashboard."""
    return response.status_code == 302 and response["Location"] == HOME


def news(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article_form(title, **actions):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "summary": "摘要",
            "body": streamfield([]),
            "authors": inline_formset([]),
            "tags": "",
            **actions,
        }
    )


def add_article(client, code, title, **actions):
    url = f"/admin/pages/add/newsroom/newsarticlepage/{news(code).pk}/"
    return client.post(url, article_form(title, **actions))


@pytest.mark.django_db
def test_the_migration_made_the_groups_before_the_trees_existed_then_the_command():
    """The test database was migrated before its trees were built: the groups
    have their model permissions but no pages until `ensure_roles` runs."""
    names = [*EDITORS.values(), REVIEWERS, MEMBER_STAFF]
    groups = Group.objects.filter(name__in=names)
    assert groups.count() == len(names)
    assert all(g.permissions.filter(codename="access_admin") for g in groups)
    assert not GroupPagePermission.objects.filter(group__in=groups).exists()
    assert not WorkflowPage.objects.filter(workflow__name=NEWS_WORKFLOW).exists()
    call_command("ensure_roles", stdout=StringIO())
    editors = Group.objects.get(name=EDITORS["en"])
    assert editors.page_permissions.filter(
        page__depth=2, page__locale__language_code="en"
    ).count() == len(EDITOR_PAGES)
    assert WorkflowPage.objects.filter(workflow__name=NEWS_WORKFLOW).count() == 3


def test_the_groups_exist_with_their_permissions_and_ensure_adds_nothing_twice(roles):
    for name in [*EDITORS.values(), REVIEWERS, MEMBER_STAFF]:
        assert Group.objects.get(name=name).permissions.filter(codename="access_admin")
    editors = Group.objects.get(name=EDITORS["zh-hant"])
    assert set(editors.permissions.values_list("codename", flat=True)) >= {
        "submit_translation",
        "change_newscategory",
        "change_person",
    }
    assert set(
        editors.collection_permissions.values_list("permission__codename", flat=True)
    ) >= {"add_image", "choose_image", "add_document", "choose_document"}
    staff = Group.objects.get(name=MEMBER_STAFF)
    assert "change_membercompany" in staff.permissions.values_list(
        "codename", flat=True
    )
    assert not staff.page_permissions.exists()
    # Editors' pages are their own locale's tree only.
    homes = {
        p.page.specific.locale.language_code
        for p in editors.page_permissions.select_related("page")
        if p.page.depth == 2
    }
    assert homes == {"zh-hant"}
    for code in EDITORS:
        workflow = WorkflowPage.objects.get(page=news(code)).workflow
        assert workflow.name == NEWS_WORKFLOW
        task = workflow.tasks.get().specific
        assert task.name == NEWS_TASK
        assert list(task.groups.values_list("name", flat=True)) == [REVIEWERS]
    rows = GroupPagePermission.objects.count(), WorkflowPage.objects.count()
    ensure_roles()
    assert (GroupPagePermission.objects.count(), WorkflowPage.objects.count()) == rows


def test_a_zh_hant_editor_works_in_the_zh_hant_tree_only(roles, client):
    editor = logged_in(client, member(EDITORS["zh-hant"], "hant", "zh-hant"))
    about = Page.objects.get(depth=3, locale__language_code="zh-hant", slug="about")
    response = editor.post(
        f"/admin/pages/{about.pk}/edit/",
        nested_form_data(
            {
                "title": "關於我們",
                "slug": about.slug,
                "intro": rich_text("<p>協會簡介</p>"),
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    about.refresh_from_db()
    assert about.live and about.title == "關於我們"  # published outside news

    response = add_article(editor, "zh-hant", "繁體草稿", **{"action-publish": "1"})
    assert response.status_code == 302
    draft = NewsArticlePage.objects.get(title="繁體草稿")
    assert not draft.live  # news articles are published by reviewers only

    simplified = NewsArticlePageFactory(parent=news("zh-hans"), title="简体文章")
    assert denied(editor.get(f"/admin/pages/{simplified.pk}/edit/"))
    assert denied(
        editor.post(f"/admin/pages/{simplified.pk}/edit/", article_form("改了"))
    )
    assert denied(add_article(editor, "zh-hans", "越界"))
    hans_about = Page.objects.get(
        depth=3, locale__language_code="zh-hans", slug="about"
    )
    assert denied(editor.post(f"/admin/pages/{hans_about.pk}/unpublish/"))
    simplified.refresh_from_db()
    hans_about.refresh_from_db()
    assert simplified.title == "简体文章" and hans_about.live
    assert not NewsArticlePage.objects.filter(title="越界").exists()


def submitted(client, title):
    """A zh-hant editor writes an article and submits it to the news workflow."""
    editor = logged_in(client, member(EDITORS["zh-hant"], "writer", "zh-hant"))
    response = add_article(editor, "zh-hant", title, **{"action-submit": "1"})
    assert response.status_code == 302
    article = NewsArticlePage.objects.get(title=title)
    client.logout()
    return article


def act(client, article, action, comment=""):
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(article.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    )
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[article.pk, action, task_state.pk]
    )
    return client.post(url, {"comment": comment}), task_state


def test_a_reviewer_approves_a_submitted_article_and_it_goes_live(roles, client):
    reviewer = member(REVIEWERS, "reviewer", "zh-hant")
    article = submitted(client, "待審文章")
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == NEWS_TASK
    assert not article.live
    # The reviewers are told by email.
    assert any(reviewer.email in m.to and "待審文章" in m.body for m in mail.outbox), [
        m.to for m in mail.outbox
    ]

    logged_in(client, reviewer)
    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200
    response, task_state = act(client, article, "approve", "可以發布")
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    task_state.refresh_from_db()
    assert article.live and article.title == "待審文章"
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == reviewer
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_a_rejection_keeps_the_draft_and_records_the_comment(roles, client):
    reviewer = member(REVIEWERS, "reviewer", "zh-hans")
    article = submitted(client, "要改的文章")
    logged_in(client, reviewer)
    response, task_state = act(client, article, "reject", "標題有錯字,請修改")
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    task_state.refresh_from_db()
    assert not article.live
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == "標題有錯字,請修改"
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_an_editor_cannot_approve(roles, client):
    article = submitted(client, "自己批准")
    logged_in(client, member(EDITORS["zh-hant"], "other", "zh-hant"))
    response, _task_state = act(client, article, "approve")
    assert response.status_code in (302, 403)
    article.refresh_from_db()
    assert not article.live


def test_member_directory_staff_edit_companies_but_not_pages(roles, client):
    company = MemberCompanyFactory(name="旧名称有限公司")
    staff = logged_in(client, member(MEMBER_STAFF, "office"))
    url = reverse("wagtailsnippets_organisation_membercompany:edit", args=[company.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {
            "name": "新名称有限公司",
            "english_name": "",
            "credit_code": company.credit_code,
            "tier": company.tier.pk,
            "region": company.region.pk,
            "industry": company.industry.pk,
            "website": "",
            "join_date": "2020-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert MemberCompany.objects.get(pk=company.pk).name == "新名称有限公司"

    article = NewsArticlePageFactory(parent=news("zh-hans"), title="不可编辑")
    assert denied(staff.get(f"/admin/pages/{article.pk}/edit/"))
    assert denied(add_article(staff, "zh-hans", "不可新增"))
    assert not NewsArticlePage.objects.filter(title="不可新增").exists()
