"""The admin of frontend tokens (cms.api.viewsets): Settings > Frontend tokens,
for editors with the permission; the token shown once; revocation."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.api.models import FrontendToken
from tests.api.test_frontend_tokens import frontend

URL = "/admin/frontend-tokens/"
QUERY = json.dumps({"query": "{ locales { code } }"})


def editor(client, *codenames):
    """A logged-in admin user in a group with `codenames` of FrontendToken."""
    user = get_user_model().objects.create_user(
        f"editor{len(codenames)}", password="pw"
    )
    group = Group.objects.create(name=f"Frontends {len(codenames)}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="cms_api", codename=codename)
        )
    user.groups.add(group)
    client.force_login(user)
    return user


def graphql(client, secret):
    return client.post(
        "/graphql/",
        QUERY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    ).status_code


@pytest.fixture
def manager(client, db):
    editor(client, "add_frontendtoken", "change_frontendtoken")
    return client


def test_the_permissions_are_offered_in_group_editing(admin_client):
    page = admin_client.get("/admin/groups/new/").content.decode()
    offered = {
        codename
        for codename in ("add_frontendtoken", "change_frontendtoken")
        if f'value="{Permission.objects.get(codename=codename).pk}"' in page
    }
    assert offered == {"add_frontendtoken", "change_frontendtoken"}


def test_editors_without_the_permission_see_nothing(client, db):
    editor(client)
    assert client.get(URL)["Location"] == "/admin/"
    assert client.post(f"{URL}new/", {"name": "x"})["Location"] == "/admin/"
    assert not FrontendToken.objects.exists()
    assert URL not in client.get("/admin/").content.decode()


def test_a_token_is_shown_once_then_only_its_prefix(manager, client):
    assert URL in manager.get("/admin/").content.decode()  # in the Settings menu
    # The admin speaks the editor's language (zh-hans here) with the catalogs.
    assert "每 60 秒的调用次数" in manager.get(f"{URL}new/").content.decode()
    response = manager.post(
        f"{URL}new/", {"name": "www.example.org", "quota_search": 600}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [secret] = re.findall(r'value="(cmsft_[^"]+)"', response.content.decode())
    token = FrontendToken.objects.get()
    assert token.name == "www.example.org"
    assert token.quotas == {"search": 600}
    assert token.created_by.username == "editor2"
    assert secret.startswith(token.prefix)
    assert graphql(Client(), secret) == 200

    listing = manager.get(URL).content.decode()
    edit = manager.get(f"{URL}edit/{token.pk}/").content.decode()
    assert token.prefix in listing and "www.example.org" in listing
    assert secret not in listing and secret not in edit


def test_quotas_are_edited_and_tokens_revoked(manager, client):
    token, secret = frontend("m.example.org", search=600)
    response = manager.post(
        f"{URL}edit/{token.pk}/",
        {"name": "m.example.org", "quota_search": "", "quota_rendition": 500},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.quotas == {"rendition": 500}
    assert graphql(Client(), secret) == 200
    assert manager.get(f"{URL}delete/{token.pk}/").status_code == 200
    assert manager.post(f"{URL}delete/{token.pk}/")["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert FrontendToken.objects.filter(pk=token.pk).exists()  # kept, listed
    assert graphql(Client(), secret) == 401


def test_only_editors_who_may_change_revoke(client, db):
    token, secret = frontend("m.example.org")
    editor(client, "add_frontendtoken")
    assert client.post(f"{URL}delete/{token.pk}/")["Location"] == "/admin/"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_list_costs_the_same_queries_for_any_number_of_tokens(manager):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(URL).status_code == 200
        return len(captured)

    frontend("a.example.org")
    few = queries()
    for n in range(6):
        frontend(f"{n}.example.org")
    assert queries() == few


def test_editors_allow_a_token_ad_hoc_queries(manager, client, settings):
    settings.CMS_TRUSTED_DOCUMENTS = True
    token, secret = frontend("preview.example.org")
    form = manager.get(f"{URL}edit/{token.pk}/").content.decode()
    assert "可发送临时查询" in form  # the label, in the editor's language
    assert graphql(Client(), secret) == 200  # refused: a GraphQL error
    refused = (
        Client()
        .post(
            "/graphql/",
            QUERY,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        .json()
    )
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    response = manager.post(
        f"{URL}edit/{token.pk}/",
        {"name": "preview.example.org", "may_send_ad_hoc_queries": "on"},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.may_send_ad_hoc_queries
    allowed = (
        Client()
        .post(
            "/graphql/",
            QUERY,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        .json()
    )
    assert len(allowed["data"]["locales"]) == 3
