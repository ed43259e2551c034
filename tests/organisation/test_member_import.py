"""`manage.py import_members`: the secretariat's lists, good rows and bad."""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook
from wagtail.models import Locale

from organisation.models import MemberCompany, Region

# These tests check the English wording of messages.
# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "vocabularies")]

# Copies of ../shared/samples/members, the secretariat's layout, byte for byte.
SAMPLES = Path(__file__).resolve().parent / "samples"
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "会员类别",
    "所在地区",
    "所属行业",
    "网站",
    "入会日期",
]
GOOD = [
    "杭州锦恒实业有限公司",
    "91330106MA2H3J9H09",
    "副会长单位",
    "杭州市西湖区",
    "信息技术",
    "",
    "2020-04-12",
]


def run(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_members", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), False
    return out.getvalue(), err.getvalue(), True


def write_csv(path, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.django_db
@pytest.mark.skipif(
    not SAMPLES.exists(), reason="needs ../shared/samples beside the repository"
)
@pytest.mark.parametrize("name", ["members-sample.csv", "members-sample.xlsx"])
def test_the_secretariats_files_import_as_they_are(name):
    before = MemberCompany.objects.count()
    out, err, ok = run(SAMPLES / name)
    assert ok, err
    assert out.startswith("20 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected.")
    assert MemberCompany.objects.count() == before + 20
    company = MemberCompany.objects.get(credit_code="91330402MA2H3BJ112")
    assert (
        company.name,
        company.tier.slug,
        company.region.slug,
        company.industry.slug,
    ) == (
        "嘉兴恒鑫科技有限公司",
        "member",
        "jiaxing-nanhu",
        "construction",
    )
    assert company.website == "https://www.example-7-0.cn"
    assert company.join_date == datetime.date(2016, 7, 3)
    out, _err, ok = run(SAMPLES / name)
    assert ok and out.startswith("0 created, 0 updated, 20 unchanged")


@pytest.mark.django_db
def test_a_file_mixing_good_and_bad_rows(tmp_path):
    rows = [
        HEADER,
        GOOD,
        ["", "91330302MA2J3Y7L34", "会员单位", "温州市鹿城区", "制造业", "", ""],
        ["坏代码公司", "91330302MA2J3Y7L35", "会员单位", "", "", "", ""],
        ["未知类别公司", "91330108786QAEJX9J", "名誉会员", "", "", "", ""],
        ["重复公司", "91330106MA2H3J9H09", "理事单位", "", "", "", ""],
        ["坏日期公司", "91330482MA2BKFJR23", "理事单位", "", "", "", "2020-13-01"],
        ["坏网站公司", "91330482746WMB0Y44", "理事单位", "", "", "not a url", ""],
        [],
        [
            "繁体类别公司",
            "91330302MA2XUF259L",
            "理事單位",
            "温州市鹿城区",
            "",
            "",
            "2012/7/28",
        ],
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    before = MemberCompany.objects.count()
    out, err, ok = run(path)
    assert not ok
    assert out.startswith("2 created, 0 updated, 0 unchanged, 0 skipped, 6 rejected.")
    assert err.splitlines()[:6] == [
        f"{path}: row 3: column “企业名称”: the company name is missing",
        f"{path}: row 4: column “统一社会信用代码”: invalid credit code "
        "91330302MA2J3Y7L35: the check character (the 18th) is wrong",
        f"{path}: row 5: column “会员类别”: unknown membership tier “名誉会员”",
        f"{path}: row 6: column “统一社会信用代码”: credit code 91330106MA2H3J9H09 "
        "is already on row 2",
        f"{path}: row 7: column “入会日期”: there is no date “2020-13-01”",
        f"{path}: row 8: column “网站”: “not a url” is not a web address",
    ]
    assert MemberCompany.objects.count() == before + 2
    assert MemberCompany.objects.get(credit_code="91330106MA2H3J9H09").tier.slug == (
        "vice-president"
    )
    traditional = MemberCompany.objects.get(credit_code="91330302MA2XUF259L")
    assert traditional.tier.slug == "director"
    assert traditional.join_date == datetime.date(2012, 7, 28)
    for code in ("91330302MA2J3Y7L34", "91330108786QAEJX9J", "91330482MA2BKFJR23"):
        assert not MemberCompany.objects.filter(credit_code=code).exists()


@pytest.mark.django_db
def test_rows_update_by_credit_code_and_headers_may_be_english_or_traditional(tmp_path):
    run(write_csv(tmp_path / "first.csv", [HEADER, GOOD]))
    english = [
        "Region",
        "Company name",
        "Unified social credit code",
        "Membership tier",
    ]
    path = write_csv(
        tmp_path / "english.csv",
        [
            english,
            [
                "杭州市滨江区",
                "杭州锦恒实业集团有限公司",
                "91330106ma2h3j9h09",
                "Director members",
            ],
        ],
    )
    out, _err, ok = run(path)
    assert ok and out.startswith("0 created, 1 updated")
    company = MemberCompany.objects.get(credit_code="91330106MA2H3J9H09")
    assert (company.name, company.tier.slug, company.region.name) == (
        "杭州锦恒实业集团有限公司",
        "director",
        "杭州市滨江区",
    )
    assert company.english_name == ""
    path = write_csv(
        tmp_path / "names.csv",
        [
            ["Company name", "English name", "Credit code", "Tier"],
            [
                "杭州锦恒实业集团有限公司",
                "Hangzhou Jinheng Group",
                "91330106MA2H3J9H09",
                "Director members",
            ],
        ],
    )
    _out, _err, ok = run(path)
    company.refresh_from_db()
    assert ok and company.english_name == "Hangzhou Jinheng Group"
    traditional = ["企業名稱", "統一社會信用代碼", "會員類別"]
    path = write_csv(
        tmp_path / "hant.csv",
        [traditional, ["台州達宏", "913310036322547M32", "副會長單位"]],
    )
    _out, _err, ok = run(path)
    assert (
        ok and MemberCompany.objects.filter(credit_code="913310036322547M32").exists()
    )


@pytest.mark.django_db
def test_xlsx_with_real_date_cells_and_gb18030_csv(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([*GOOD[:6], datetime.datetime(2020, 4, 12)])
    workbook.save(tmp_path / "list.xlsx")
    _out, err, ok = run(tmp_path / "list.xlsx")
    assert ok, err
    assert MemberCompany.objects.get(credit_code=GOOD[1]).join_date == datetime.date(
        2020, 4, 12
    )
    path = write_csv(
        tmp_path / "gbk.csv", [HEADER, [*GOOD[:2], "理事单位", *GOOD[3:]]], "gb18030"
    )
    out, _err, ok = run(path)
    assert ok and out.startswith("0 created, 1 updated")


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "dry.csv", [HEADER, GOOD])
    before = MemberCompany.objects.count()
    out, _err, ok = run(path, "--dry-run")
    assert ok and out.startswith("1 would be created")
    assert MemberCompany.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("list.txt", b"x", "only .xlsx and .csv files can be imported"),
        ("empty.csv", b"", "the file is empty"),
        (
            "broken.xlsx",
            b"PK\x03\x04 not really",
            "is not an Excel workbook (.xlsx) that can be opened "
            "(File is not a zip file)",
        ),
        (
            "no-code.csv",
            "企业名称,会员类别\n甲,理事单位\n".encode(),
            "row 1 has no column “统一社会信用代码”",
        ),
        (
            "binary.csv",
            b"\xff\xff\xff\x80" * 3,
            "is not UTF-8, UTF-16 or GB 18030 text (line 1",
        ),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = MemberCompany.objects.count()
    _out, err, ok = run(path)
    assert not ok and message in err
    assert MemberCompany.objects.count() == before


def company_fields(code):
    return MemberCompany.objects.filter(credit_code=code).values(
        "name", "tier__slug", "region__slug", "industry__slug", "website", "join_date"
    )[0]


@pytest.mark.django_db
def test_columns_the_file_lacks_keep_their_values(tmp_path):
    run(
        write_csv(
            tmp_path / "full.csv", [HEADER, [*GOOD[:5], "https://a.example", GOOD[6]]]
        )
    )
    before = company_fields(GOOD[1])
    path = write_csv(
        tmp_path / "narrow.csv",
        [
            ["企业名称", "统一社会信用代码", "会员类别"],
            ["杭州锦恒新名称", GOOD[1], "理事单位"],
        ],
    )
    out, _err, ok = run(path)
    assert ok and out.startswith("0 created, 1 updated")
    after = company_fields(GOOD[1])
    assert after == {**before, "name": "杭州锦恒新名称", "tier__slug": "director"}


@pytest.mark.django_db
def test_dry_run_changes_no_field_of_an_existing_company(tmp_path):
    run(write_csv(tmp_path / "first.csv", [HEADER, GOOD]))
    before = company_fields(GOOD[1])
    changed = [GOOD[0] + "集团", GOOD[1], "理事单位", "宁波市鄞州区", "制造业", "", ""]
    out, _err, ok = run(
        write_csv(tmp_path / "second.csv", [HEADER, changed]), "--dry-run"
    )
    assert ok and out.startswith("0 would be created, 1 would be updated")
    assert company_fields(GOOD[1]) == before


@pytest.mark.django_db
def test_a_duplicate_of_a_rejected_row_is_still_a_duplicate(tmp_path):
    rows = [HEADER, [GOOD[0], GOOD[1], "名誉会员"], GOOD]
    _out, err, _ok = run(write_csv(tmp_path / "dup.csv", rows))
    assert "row 2: column “会员类别”: unknown membership tier" in err
    assert (
        f"row 3: column “统一社会信用代码”: credit code {GOOD[1]} is already on row 2"
        in err
    )
    assert not MemberCompany.objects.filter(credit_code=GOOD[1]).exists()


@pytest.mark.django_db
def test_odd_cells_are_rejected_or_read_right(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["\ufeff企业名称", *HEADER[1:]])
    sheet.append(["#N/A", GOOD[1], "会员单位"])
    sheet.append(["长" * 201, "91330302MA2J3Y7L34", "会员单位"])
    sheet.append(["序号公司", "91330108786QAEJX9J", "会员单位", "", "", "", 44389])
    workbook.save(tmp_path / "odd.xlsx")
    _out, err, _ok = run(tmp_path / "odd.xlsx")
    assert "row 2: column “企业名称”: the cell holds the spreadsheet error #N/A" in err
    assert "row 3: column “企业名称”: longer than 200 characters" in err
    serial = MemberCompany.objects.get(credit_code="91330108786QAEJX9J")
    assert serial.join_date == datetime.date(2021, 7, 12)


@pytest.mark.django_db
def test_nul_characters_are_refused(tmp_path):
    path = write_csv(tmp_path / "nul.csv", [HEADER, ["零字符\x00公司", *GOOD[1:]]])
    _out, err, ok = run(path)
    assert not ok and "row 2: column “企业名称”: the cell holds a NUL character" in err
    assert not MemberCompany.objects.filter(credit_code=GOOD[1]).exists()


@pytest.mark.django_db
def test_utf16_csv_as_some_spreadsheets_save_it(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text("\r\n".join(",".join(r) for r in [HEADER, GOOD]), encoding="utf-16")
    out, err, ok = run(path)
    assert ok, err
    assert out.startswith("1 created")


@pytest.mark.django_db
def test_regions_and_industries_in_any_script_and_new_ones(tmp_path):
    rows = [
        HEADER,
        [
            "甲公司",
            "91330106MA2H3J9H09",
            "理事單位",
            "杭州市西湖區",
            "Manufacturing",
            "",
            "",
        ],
        [
            "乙公司",
            "91330302MA2J3Y7L34",
            "会员单位",
            "杭州市临平区",
            "低空经济",
            "",
            "",
        ],
        ["丙公司", "91330108786QAEJX9J", "会员单位", "杭州市临平区", "", "", ""],
    ]
    path = write_csv(tmp_path / "labels.csv", rows)
    regions = Region.objects.count()
    # Without --create-labels, the rows naming a new region or industry are
    # rejected: nothing is created silently.
    out, err, ok = run(path)
    assert not ok and out.startswith("1 created, 0 updated, 0 unchanged, 0 skipped, 2")
    assert (
        f"{path}: row 3: column “所在地区”: “杭州市临平区” is not an existing region "
        "and was not accepted as a new one"
    ) in err
    assert Region.objects.count() == regions
    out, _err, ok = run(path, "--dry-run", "--create-labels")
    assert ok and out.startswith("2 would be created, 0 would be updated, 1 unchanged")
    assert "New region “杭州市临平区” (rows 3, 4)." in out
    assert Region.objects.count() == regions
    out, _err, ok = run(path, "--create-labels")
    assert ok and out.startswith("2 created, 0 updated, 1 unchanged")
    first = MemberCompany.objects.get(credit_code="91330106MA2H3J9H09")
    assert (first.region.slug, first.industry.slug) == (
        "hangzhou-xihu",
        "manufacturing",
    )
    new_region = Region.objects.get(name="杭州市临平区")
    assert new_region.locale == Locale.get_default()
    assert Region.objects.count() == regions + 1
    third = MemberCompany.objects.get(credit_code="91330108786QAEJX9J")
    assert third.region == new_region and third.industry is None


@pytest.mark.django_db
def test_names_another_credit_code_has_are_skipped_unless_imported(tmp_path):
    run(write_csv(tmp_path / "first.csv", [HEADER, GOOD]))
    path = write_csv(
        tmp_path / "dup.csv",
        [HEADER[:3], ["杭州錦恆實業有限公司", "91330302MA2J3Y7L34", "会员单位"]],
    )
    out, err, ok = run(path)
    assert ok and out.startswith("0 created, 0 updated, 0 unchanged, 1 skipped")
    assert (
        f"{path}: row 2: column “企业名称”: “杭州锦恒实业有限公司” (credit code "
        "91330106MA2H3J9H09) has this name already; skipped as a possible duplicate"
    ) in err
    out, _err, ok = run(path, "--import-duplicates")
    assert ok and out.startswith("1 created")
    assert MemberCompany.objects.filter(credit_code="91330302MA2J3Y7L34").exists()


@pytest.mark.django_db
def test_messages_follow_the_active_language(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [HEADER[:3], ["", GOOD[1], "会员单位"]])
    with translation.override("zh-hant"):
        _out, err, ok = run(path)
    assert not ok and "第 2 列：「企业名称」欄：缺少企業名稱" in err
