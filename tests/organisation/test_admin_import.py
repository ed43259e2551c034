"""Member import from the admin: upload, preview (companies to create and update,
rejected rows, questions), decide, confirm; in English and in both Chinese admins."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from organisation.models import Industry, MemberCompany, Region
from tests.factories import MemberCompanyFactory, credit_code

URL = "/admin/import-members/"
CSV = (
    "企业名称,统一社会信用代码,会员类别\n"
    "杭州锦恒实业有限公司,91330106MA2H3J9H09,副会长单位\n"
    "坏代码公司,91330302MA2J3Y7L35,会员单位\n"
).encode("utf-8-sig")
HEADER = "企业名称,统一社会信用代码,会员类别,所在地区,所属行业\n"

# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabularies")]


def login(client, settings, tmp_path, language="en", accept_language=None):
    settings.MEDIA_ROOT = tmp_path
    user = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    if accept_language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = accept_language
    return client


@pytest.fixture
def editor(client, db, settings, tmp_path):
    """An admin whose admin language is English (the tests check its wording)."""
    return login(client, settings, tmp_path)


def upload(client, content=CSV, name="list.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


class ConfirmForm(HTMLParser):
    """The confirmation form's fields as the browser would send them: hidden
    inputs and checked radio buttons."""

    def __init__(self, html):
        super().__init__()
        self.data, self.radios, self.inside = {}, set(), False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "import-confirm" in (attrs.get("class") or ""):
            self.inside = True
        if not self.inside or tag != "input" or "name" not in attrs:
            return
        if attrs.get("type") == "radio":
            self.radios.add(attrs["name"])
            if "checked" in attrs:
                self.data[attrs["name"]] = attrs["value"]
        elif attrs.get("type") == "hidden":
            self.data[attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def confirm(client, html, **choices):
    """Confirm the preview in `html` with the radio `choices` (name: value) set."""
    form = ConfirmForm(html)
    assert set(choices) <= form.radios
    return client.post(URL, {**form.data, **choices}, follow=True)


def label_field(html, name):
    """The name of the radio group deciding about the new value `name`."""
    fields = [f for f in ConfirmForm(html).radios if f.endswith(f":{name}")]
    assert len(fields) == 1, fields
    return fields[0]


def table_rows(html, css_class):
    table = re.search(rf'<table class="listing {css_class}">(.*?)</table>', html, re.S)
    return re.findall(r"<tr>\s*<td>", table[1]) if table else []


def test_preview_lists_the_problems_and_writes_nothing(editor):
    before = MemberCompany.objects.count()
    html = upload(editor).content.decode()
    assert "1 to create, 0 to update, 0 unchanged, 1 rejected." in html
    assert (
        "column “统一社会信用代码”: invalid credit code 91330302MA2J3Y7L35: the "
        "check character (the 18th) is wrong"
    ) in html
    assert len(table_rows(html, "import-create")) == 1
    assert "杭州锦恒实业有限公司" in html
    assert MemberCompany.objects.count() == before


def test_confirm_imports_the_good_rows(editor):
    html = upload(editor).content.decode()
    response = confirm(editor, html)
    assert "1 created, 0 updated, 0 skipped as possible duplicates, 1 rejected." in (
        response.content.decode()
    )
    assert MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()
    assert not MemberCompany.objects.filter(credit_code="91330302MA2J3Y7L35").exists()
    # The upload is gone: confirming twice imports nothing more.
    again = confirm(editor, html)
    assert "expired" in again.content.decode()


# Both Chinese admins: by the account's admin language, and by the browser's
# Accept-Language for an account that has chosen none. Rows are 行 and columns 列
# in mainland usage, rows 列 and columns 欄 in Taiwan's.
CHINESE = {
    "zh-hans": (
        {"language": "zh-hans"},
        [
            "“企业名称”列：缺少企业名称",
            "“会员类别”列：未知的会员类别“金牌会员”",
            "将新建的企业",
            "新的地区和行业",
            "新建这个地区",
            "确认导入",
        ],
        "新建 1 家，更新 0 家，跳过可能重复的 0 家，拒绝 3 行。",
        "第 1 行没有",
    ),
    "zh-hant": (
        {"language": "", "accept_language": "zh-hant"},
        [
            "「企业名称」欄：缺少企業名稱",
            "「会员类别」欄：未知的會員類別「金牌会员」",
            "將新增的企業",
            "新的地區和行業",
            "新增這個地區",
            "確認匯入",
        ],
        "新增 1 家，更新 0 家，略過可能重複的 0 家，拒絕 3 列。",
        "第 1 列沒有",
    ),
}


@pytest.mark.parametrize("language", CHINESE)
def test_the_chinese_admins_speak_their_script(client, settings, tmp_path, language):
    login_as, in_preview, summary, bad_header = CHINESE[language]
    client = login(client, settings, tmp_path, **login_as)
    content = (
        HEADER
        + ",91330302MA2J3Y7L34,会员单位,,\n"
        + "金牌公司,91330108786QAEJX9J,金牌会员,,\n"
        + "火星公司,91330482MA2BKFJR23,会员单位,火星市,\n"
        + "好公司,91330106MA2H3J9H09,会员单位,杭州市西湖区,\n"
    ).encode()
    html = upload(client, content).content.decode()
    for text in in_preview:
        assert text in html
    response = confirm(client, html, **{label_field(html, "火星市"): "reject"})
    assert summary in response.content.decode()
    assert not Region.objects.filter(name="火星市").exists()
    assert bad_header in upload(client, b"a,b\n1,2\n").content.decode()


def test_unknown_regions_and_industries_wait_for_a_decision(editor):
    content = (
        HEADER
        + "火星一号公司,91330106MA2H3J9H09,会员单位,火星市,制造业\n"
        + "火星二号公司,91330302MA2J3Y7L34,会员单位,火星市,\n"
        + "低空公司,91330108786QAEJX9J,会员单位,杭州市西湖区,低空经济\n"
        + "普通公司,91330482MA2BKFJR23,会员单位,杭州市西湖区,制造业\n"
    ).encode()
    regions, industries = Region.objects.count(), Industry.objects.count()
    html = upload(editor, content).content.decode()
    assert "New regions and industries" in html
    assert re.search(r"<td>所在地区</td>\s*<td>火星市</td>\s*<td>2, 3</td>", html)
    assert re.search(r"<td>所属行业</td>\s*<td>低空经济</td>\s*<td>4</td>", html)
    # Confirming without deciding imports nothing and says what is missing.
    undecided = confirm(editor, html).content.decode()
    assert "not chosen: 火星市, 低空经济" in undecided
    assert MemberCompany.objects.filter(name__endswith="公司").count() == 0
    response = confirm(
        editor,
        html,
        **{
            label_field(html, "火星市"): "create",
            label_field(html, "低空经济"): "reject",
        },
    )
    assert "3 created, 0 updated, 0 skipped as possible duplicates, 1 rejected." in (
        response.content.decode()
    )
    mars = Region.objects.get(name="火星市")
    assert Region.objects.count() == regions + 1
    assert Industry.objects.count() == industries
    assert set(
        MemberCompany.objects.filter(region=mars).values_list("name", flat=True)
    ) == {"火星一号公司", "火星二号公司"}
    assert not MemberCompany.objects.filter(name="低空公司").exists()


@pytest.mark.parametrize(
    "stored, in_file",
    [
        ("杭州锦恒实业有限公司", "杭州錦恆實業有限公司"),
        ("台州達宏ＡＢＣ有限公司", "台州达宏abc 有限公司"),
    ],
)
def test_names_of_another_credit_code_are_possible_duplicates(
    editor, vocabularies, stored, in_file
):
    existing = MemberCompanyFactory(name=stored, tier=vocabularies["tiers"]["member"])
    content = (
        "企业名称,统一社会信用代码,会员类别\n"
        f"{in_file},91330302MA2J3Y7L34,会员单位\n"
        "别的公司,91330108786QAEJX9J,会员单位\n"
    ).encode()
    html = upload(editor, content).content.decode()
    assert "Possible duplicates" in html
    edit = f"/admin/snippets/organisation/membercompany/edit/{existing.pk}/"
    assert re.search(
        rf"<td>{in_file}</td>\s*<td>91330302MA2J3Y7L34</td>\s*<td>\s*"
        rf'<a href="{edit}">{stored}</a> \({existing.credit_code}\)',
        html,
    )
    # Skipping is the default.
    response = confirm(editor, html).content.decode()
    assert "1 created, 0 updated, 1 skipped as possible duplicates, 0 rejected." in (
        response
    )
    assert not MemberCompany.objects.filter(credit_code="91330302MA2J3Y7L34").exists()
    html = upload(editor, content).content.decode()
    response = confirm(editor, html, **{"duplicate:2": "import"}).content.decode()
    assert "1 created, 0 updated, 0 skipped" in response
    assert MemberCompany.objects.get(credit_code="91330302MA2J3Y7L34").name == in_file


def many_rows(count, start=900_000):
    return "".join(
        f"第{n}号公司,{credit_code(start + n)},会员单位,杭州市西湖区,制造业\n"
        for n in range(count)
    )


def test_long_previews_show_200_and_the_report_has_all(client, settings, tmp_path):
    client = login(client, settings, tmp_path, language="zh-hans")
    content = (
        HEADER
        + many_rows(249)
        + "=1+1公司,91330106MA2H3J9H09,会员单位,,\n"
        + "坏公司,91330302MA2J3Y7L35,会员单位,,\n"
    ).encode()
    html = upload(client, content).content.decode()
    assert len(table_rows(html, "import-create")) == 200
    assert "共 250 条，这里显示前 200 条；报告列出全部。" in html
    report_url = re.search(r'href="([^"]*/report/[^"]*)"', html)[1].replace(
        "&amp;", "&"
    )
    response = client.get(report_url)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["将新建", "将更新", "被拒绝的行"]
    create = list(workbook["将新建"].iter_rows(values_only=True))
    assert create[0][:3] == ("行", "企业名称", "统一社会信用代码")
    assert len(create) == 251
    assert create[249][:4] == (250, "第248号公司", credit_code(900_248), "会员单位")
    # A name that looks like a formula stays text: Excel does not run it.
    assert create[250][1] == "=1+1公司"
    assert workbook["将新建"].cell(251, 2).data_type == "s"
    rejected = list(workbook["被拒绝的行"].iter_rows(values_only=True))
    assert rejected[1] == (
        252,
        "“统一社会信用代码”列：信用代码 91330302MA2J3Y7L35 无效："
        "校验码（第 18 位）错误",
    )


def test_the_preview_reads_the_same_number_of_queries_for_any_length(editor):
    def queries(count):
        with CaptureQueriesContext(connection) as captured:
            upload(editor, (HEADER + many_rows(count)).encode())
        return len(captured)

    assert queries(300) == queries(3)


@pytest.mark.parametrize(
    "language, change, sheet",
    [
        ("en", "Membership tier: Members → Director members", "To update"),
        ("zh-hant", "會員等級：會員單位 → 理事單位", "將更新"),
    ],
)
def test_updates_say_what_changes_in_the_editors_language(
    client, settings, tmp_path, vocabularies, language, change, sheet
):
    client = login(client, settings, tmp_path, language=language)
    company = MemberCompanyFactory(
        tier=vocabularies["tiers"]["member"],
        region=vocabularies["regions"]["hangzhou-xihu"],
        industry=vocabularies["industries"]["manufacturing"],
    )
    content = (
        HEADER + f"{company.name},{company.credit_code},理事单位,杭州市西湖区,制造业\n"
    ).encode()
    html = upload(client, content).content.decode()
    assert len(table_rows(html, "import-update")) == 1
    assert change in html
    report_url = re.search(r'href="([^"]*/report/[^"]*)"', html)[1].replace(
        "&amp;", "&"
    )
    workbook = load_workbook(io.BytesIO(client.get(report_url).content))
    assert list(workbook[sheet].iter_rows(values_only=True))[1][3] == change


def test_the_confirmation_is_one_transaction(editor, vocabularies):
    company = MemberCompanyFactory(tier=vocabularies["tiers"]["member"])
    content = (
        HEADER
        + "火星公司,91330106MA2H3J9H09,会员单位,火星市,\n"
        + f"{company.name},{company.credit_code},理事单位,,\n"
    ).encode()
    html = upload(editor, content).content.decode()

    def fail_on_update(execute, sql, params, many, context):
        # The database refuses the update of companies, the last write of all.
        if sql.startswith('UPDATE "organisation_membercompany"'):
            raise RuntimeError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_update), pytest.raises(RuntimeError):
        confirm(editor, html, **{label_field(html, "火星市"): "create"})
    assert not Region.objects.filter(name="火星市").exists()
    assert not MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()
    company.refresh_from_db()
    assert company.tier == vocabularies["tiers"]["member"]


def test_a_file_changed_after_the_preview_imports_nothing(editor, tmp_path):
    html = upload(editor).content.decode()
    token = ConfirmForm(html).data["token"]
    (tmp_path / "member-imports" / token).write_bytes(
        CSV.replace("副会长单位".encode(), "理事单位".encode())
    )
    response = confirm(editor, html).content.decode()
    assert "The file changed after the preview, so nothing was imported." in response
    assert not MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()


def test_data_changed_after_the_preview_asks_again(editor, vocabularies):
    content = (HEADER + "火星公司,91330106MA2H3J9H09,会员单位,火星市,\n").encode()
    html = upload(editor, content).content.decode()
    Region.objects.create(
        name="火星市", slug="mars", locale=vocabularies["regions"]["pinghu"].locale
    )
    response = confirm(editor, html, **{label_field(html, "火星市"): "reject"})
    again = response.content.decode()
    assert "The member data changed after the preview" in again
    assert "New regions and industries" not in again
    assert not MemberCompany.objects.filter(credit_code="91330106MA2H3J9H09").exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "list.csv",
            b"a,b\n1,2\n",
            "list.csv: row 1 has no columns “企业名称”, “统一社会信用代码”, “会员类别” "
            "(it has: a, b)",
        ),
        (
            "list.csv",
            "企业名称,会员类别\n甲,理事单位\n".encode(),
            "list.csv: row 1 has no column “统一社会信用代码” "
            "(it has: 企业名称, 会员类别)",
        ),
        # Django's own form refuses an empty upload, in the editor's language.
        ("empty.csv", b"", "The submitted file is empty."),
        (
            "header.csv",
            "企业名称,统一社会信用代码,会员类别\n,,\n".encode(),
            "header.csv: there are no member rows below the header row",
        ),
        (
            "binary.csv",
            "企业名称\n".encode() + b"\xff\xff\xff\x80" * 3,
            "binary.csv: the CSV file is not UTF-8, UTF-16 or GB 18030 text (line 2",
        ),
        (
            "text.xlsx",
            CSV,
            "text.xlsx is not an Excel workbook (.xlsx) that can be opened",
        ),
        ("list.pdf", b"%PDF-1.4", "Only .xlsx and .csv files can be imported."),
    ],
)
def test_bad_files_are_refused_in_the_form(editor, name, content, message):
    before = MemberCompany.objects.count()
    response = upload(editor, content, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&quot;", '"')
    assert 'name="token"' not in html
    assert MemberCompany.objects.count() == before


@pytest.mark.parametrize("token", ["../../etc/passwd", "x.csv", "", "5e7c.exe"])
def test_tokens_never_name_other_files(editor, token):
    response = editor.post(URL, {"token": token}, follow=True)
    assert "expired" in response.content.decode()
    report = editor.get(URL + "report/", {"token": token}, follow=True)
    assert "expired" in report.content.decode()


def test_editors_without_permission_are_refused(client, db):
    user = get_user_model().objects.create_user("reader", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail answers a PermissionDenied with a redirect to the dashboard.
    assert client.get(URL)["Location"] == "/admin/"
    assert client.get(URL + "report/")["Location"] == "/admin/"
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
    assert not MemberCompany.objects.filter(~Q(pk=company.pk), name="新名称").exists()
