"""Member import from the admin: upload, preview with the problems, confirm."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.users.models import UserProfile

from organisation.models import MemberCompany
from tests.factories import MemberCompanyFactory

URL = "/admin/import-members/"
CSV = (
    "企业名称,统一社会信用代码,会员类别\n"
    "杭州锦恒实业有限公司,91330106MA2H3J9H09,副会长单位\n"
    "坏代码公司,91330302MA2J3Y7L35,会员单位\n"
).encode("utf-8-sig")

# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabularies")]


@pytest.fixture
def editor(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the tests check the English wording
    profile.save()
    client.force_login(user)
    return client


def upload(client, content=CSV, name="list.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_preview_lists_the_problems_and_writes_nothing(editor):
    before = MemberCompany.objects.count()
    html = upload(editor).content.decode()
    assert "1 to create, 0 to update, 0 unchanged, 1 rejected." in html
    assert "the check character (the 18th) is wrong" in html
    assert MemberCompany.objects.count() == before


def test_confirm_imports_the_good_rows(editor):
    html = upload(editor).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html)[1]
    response = editor.post(URL, {"token": token})
    assert response.status_code == 302
    assert MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()
    assert not MemberCompany.objects.filter(credit_code="91330302MA2J3Y7L35").exists()
    # The upload is gone: confirming twice imports nothing more.
    again = editor.post(URL, {"token": token}, follow=True)
    assert "expired" in again.content.decode()


@pytest.mark.parametrize("token", ["../../etc/passwd", "x.csv", "", "5e7c.exe"])
def test_tokens_never_name_other_files(editor, token):
    response = editor.post(URL, {"token": token}, follow=True)
    assert "expired" in response.content.decode()


def test_unreadable_and_wrong_files_are_refused_in_the_form(editor):
    html = upload(editor, b"a,b\n1,2\n").content.decode()
    assert "row 1 has no column 企业名称" in html
    html = upload(editor, b"hello", name="list.pdf").content.decode()
    assert "Only .xlsx and .csv files can be imported." in html


def test_editors_without_permission_are_refused(client, db):
    user = get_user_model().objects.create_user("reader", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail answers a PermissionDenied with a redirect to the dashboard.
    assert client.get(URL)["Location"] == "/admin/"
    before = MemberCompany.objects.count()
    assert upload(client)["Location"] == "/admin/"
    assert MemberCompany.objects.count() == before


def test_a_token_cannot_reach_a_file_outside_the_upload_folder(editor, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_bytes(CSV)
    for token in ["../secret.csv", str(outside), "member-imports/../secret.csv"]:
        response = editor.post(URL, {"token": token}, follow=True)
        assert "expired" in response.content.decode()
    assert outside.exists()
    assert not MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()


def test_preview_changes_no_field_of_an_existing_company(editor, vocabularies):
    company = MemberCompanyFactory(
        tier=vocabularies["tiers"]["member"],
        region=vocabularies["regions"]["hangzhou-xihu"],
        industry=vocabularies["industries"]["manufacturing"],
    )
    before = (company.name, company.tier_id, company.region)
    content = (
        "企业名称,统一社会信用代码,会员类别,所在地区\n"
        f"新名称,{company.credit_code},理事单位,丽水市莲都区\n"
    ).encode()
    html = upload(editor, content).content.decode()
    assert "0 to create, 1 to update" in html
    company.refresh_from_db()
    assert (company.name, company.tier_id, company.region) == before
