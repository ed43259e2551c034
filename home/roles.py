"""The association's editorial roles: groups, their permissions and the news
moderation workflow.

Groups (their names are data, shown as they are in every admin language):

- one editors' group per locale (简体中文编辑, 繁體中文編輯, English editors):
  add, change and lock pages in their locale's tree only; publish in its sections
  other than news (news articles go through moderation); news categories, people,
  units and positions; images and documents; submit translations.
- 审核员 (reviewers): add, change, publish, lock and unlock pages in every
  locale's tree; the same snippets, images and documents; they approve or reject
  what is submitted in the news sections.
- 会员名录管理员 (member-directory staff): member companies, regions and
  industries (the member import with them); no pages.

The news moderation workflow, 新闻审核, has one GroupApprovalTask for the
reviewers and is assigned to every locale's news index. Wagtail emails the
reviewers when an article is submitted and the submitter when it is approved or
rejected, each in the recipient's admin language.

`ensure_roles(apps)` is the one place all of this is made, written against the
app registry it is given so that the migration (home 0004) can run it with its
historical models. Page permissions and the workflow need the locale trees,
which a new database does not have when it is migrated (the trees come with
`load_demo`, or with an editor's first home page): the migration applies
whatever exists, and `demo.site.load()` runs it again once it has made the
trees. On a site built by hand, run `manage.py ensure_roles` after adding a
locale's home page or news index. Every run only adds what is missing.

Snippet, image and document permissions are per model and per collection in
Wagtail, not per locale: they are shared by all editors.
"""

from django.apps import apps as django_apps

EDITORS = {
    "zh-hans": "简体中文编辑",
    "zh-hant": "繁體中文編輯",
    "en": "English editors",
}
REVIEWERS = "审核员"
MEMBER_STAFF = "会员名录管理员"
NEWS_WORKFLOW = "新闻审核"
NEWS_TASK = "审核员审批"

ADMIN = [("wagtailadmin", "access_admin")]
EDITORIAL = [
    *ADMIN,
    ("wagtail_localize", "submit_translation"),
    ("newsroom", "add_newscategory"),
    ("newsroom", "change_newscategory"),
    ("organisation", "add_person"),
    ("organisation", "change_person"),
    ("organisation", "add_orgunit"),
    ("organisation", "change_orgunit"),
    ("organisation", "add_position"),
    ("organisation", "change_position"),
    ("organisation", "delete_position"),
]
MEMBER_DIRECTORY = [
    *ADMIN,
    ("organisation", "add_membercompany"),
    ("organisation", "change_membercompany"),
    ("organisation", "delete_membercompany"),
    ("organisation", "add_region"),
    ("organisation", "change_region"),
    ("organisation", "add_industry"),
    ("organisation", "change_industry"),
]
# On the root collection, so on every collection below it.
MEDIA = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
EDITOR_PAGES = ["add_page", "change_page", "lock_page"]
REVIEWER_PAGES = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def ensure_roles(apps=django_apps):
    """Create the groups, their permissions and the news workflow, where missing."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("home", "HomePage")
    NewsIndexPage = apps.get_model("newsroom", "NewsIndexPage")

    def permission(app_label, codename):
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )

    def grant(group, entries):
        group.permissions.add(*(permission(*entry) for entry in entries))

    def grant_pages(group, page, codenames):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=permission("wagtailcore", codename)
            )

    root_collection = Collection.objects.filter(depth=1).first()
    reviewers = Group.objects.get_or_create(name=REVIEWERS)[0]
    editors = {
        code: Group.objects.get_or_create(name=name)[0]
        for code, name in EDITORS.items()
    }
    staff = Group.objects.get_or_create(name=MEMBER_STAFF)[0]
    grant(staff, MEMBER_DIRECTORY)
    news_ids = NewsIndexPage.objects.values("pk")
    for group in [reviewers, *editors.values()]:
        grant(group, EDITORIAL)
        for entry in MEDIA if root_collection else []:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission(*entry)
            )
    for home in HomePage.objects.select_related("locale"):
        grant_pages(reviewers, home, REVIEWER_PAGES)
        group = editors.get(home.locale.language_code)
        if group is None:
            continue
        grant_pages(group, home, EDITOR_PAGES)
        sections = Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1
        ).exclude(pk__in=news_ids)
        for section in sections:
            grant_pages(group, section, ["publish_page"])
    ensure_news_workflow(apps, reviewers)


def ensure_news_workflow(apps, reviewers):
    """The news moderation workflow, on every news index that has none yet (one
    an administrator chose is left alone)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    NewsIndexPage = apps.get_model("newsroom", "NewsIndexPage")

    workflow = Workflow.objects.get_or_create(
        name=NEWS_WORKFLOW, defaults={"active": True}
    )[0]
    task_type = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )[0]
    task = GroupApprovalTask.objects.get_or_create(
        name=NEWS_TASK, defaults={"active": True, "content_type": task_type}
    )[0]
    task.groups.add(reviewers)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    for news in NewsIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=news, defaults={"workflow": workflow})


def remove_roles(apps=django_apps):
    """Undo ensure_roles: the groups (with their permissions) and the workflow."""
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow.objects.filter(name=NEWS_WORKFLOW).delete()
    GroupApprovalTask.objects.filter(name=NEWS_TASK).delete()
    Group.objects.filter(name__in=[*EDITORS.values(), REVIEWERS, MEMBER_STAFF]).delete()
