"""Import of the secretariat's member lists (.xlsx or .csv).

Columns are found by their header, in Simplified or Traditional Chinese or in
English, in any order. Every row is checked before anything is written; rejected
rows are reported with their row number (as the spreadsheet shows it) and reason
and are not written at all; the good rows are written together. Companies are
matched by credit code, so importing the same list again updates, never
duplicates.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend

from .credit_code import credit_code_problem, normalise
from .models import MemberCompany, MembershipTier

COLUMNS = {
    "name": ("企业名称", "企業名稱", "单位名称", "單位名稱", "company name", "name"),
    "credit_code": (
        "统一社会信用代码",
        "統一社會信用代碼",
        "信用代码",
        "信用代碼",
        "unified social credit code",
        "credit code",
    ),
    "tier": ("会员类别", "會員類別", "会员等级", "會員等級", "membership tier", "tier"),
    "region": ("所在地区", "所在地區", "地区", "地區", "region"),
    "industry": ("所属行业", "所屬行業", "行业", "行業", "industry"),
    "website": ("网站", "網站", "website"),
    "join_date": ("入会日期", "入會日期", "join date", "date joined"),
}
REQUIRED = ("name", "credit_code", "tier")
FIELDS = ("name", "tier", "region", "industry", "website", "join_date")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class MemberFileError(Exception):
    """The file as a whole cannot be read: the message says what and where."""


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    # (row number, reason) for every rejected row.
    rejected: list = field(default_factory=list)


def header_key(text):
    return re.sub(r"[\s_\u3000]+", " ", str(text or "")).strip().casefold()


def read_table(path):
    """(header row, [(row number, cells), ...]) of the first sheet or the CSV."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(decode_csv(path.read_bytes()))))
        elif suffix == ".xlsx":
            rows = read_xlsx(path)
        else:
            raise MemberFileError(f"{path}: only .xlsx and .csv files can be imported")
    except OSError as error:
        raise MemberFileError(
            f"{path}: cannot read the file: {error.strerror}"
        ) from None
    if not rows:
        raise MemberFileError(f"{path}: the file is empty")
    numbered = [
        (number, row)
        for number, row in enumerate(rows[1:], 2)
        if any(str(cell or "").strip() for cell in row)
    ]
    return rows[0], numbered


def decode_csv(data):
    """CSV text: UTF-8 (with or without Excel's BOM), else GB 18030, which Excel
    uses for CSV on Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise MemberFileError(
                "the CSV file is neither UTF-8 nor GB 18030 text"
            ) from None


def read_xlsx(path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
    ) as error:
        raise MemberFileError(f"{path}: not a readable .xlsx file ({error})") from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def find_columns(header, path):
    """Column index of each known field, by header name."""
    keys = [header_key(cell) for cell in header]
    columns = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if header_key(alias) in keys:
                columns[name] = keys.index(header_key(alias))
                break
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise MemberFileError(
            f"{path}: row 1 has no column {', '.join(missing)} "
            f"(headers found: {', '.join(str(c) for c in header if c)})"
        )
    return columns


def tier_lookup():
    """Every tier name (in every locale) and slug, to the default locale's tier."""
    default = Locale.get_default()
    sources = {
        tier.translation_key: tier
        for tier in MembershipTier.objects.filter(locale=default)
    }
    lookup = {}
    for tier in MembershipTier.objects.all():
        source = sources.get(tier.translation_key)
        if source is not None:
            lookup[header_key(tier.name)] = source
            lookup[header_key(tier.slug)] = source
    return lookup


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"join date {value!r} is not a date like 2021-07-12")
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError as error:
        raise ValueError(f"join date {value!r}: {error}") from None


def clean_row(cells, columns, tiers):
    """The company fields of one row, or ValueError with the reason."""

    def cell(name):
        index = columns.get(name)
        value = cells[index] if index is not None and index < len(cells) else None
        return "" if value is None else str(value).strip()

    values = {"name": cell("name"), "credit_code": normalise(cell("credit_code"))}
    if not values["name"]:
        raise ValueError("missing company name")
    if not values["credit_code"]:
        raise ValueError("missing credit code")
    if problem := credit_code_problem(values["credit_code"]):
        raise ValueError(f"invalid credit code {values['credit_code']}: {problem}")
    tier = tiers.get(header_key(cell("tier")))
    if tier is None:
        raise ValueError(f"unknown membership tier {cell('tier')!r}")
    values.update(tier=tier, region=cell("region"), industry=cell("industry"))
    values["website"] = cell("website")
    if values["website"]:
        try:
            URLValidator()(values["website"])
        except ValidationError:
            raise ValueError(f"website {values['website']!r} is not a URL") from None
    index = columns.get("join_date")
    raw_date = cells[index] if index is not None and index < len(cells) else None
    values["join_date"] = parse_date(raw_date)
    return values


def import_members(path, dry_run=False):
    """Import one member list; return an ImportReport. Raises MemberFileError when
    the file as a whole cannot be read."""
    header, rows = read_table(path)
    columns = find_columns(header, path)
    tiers = tier_lookup()
    report = ImportReport()
    good, first_row_of = [], {}
    for number, cells in rows:
        try:
            values = clean_row(cells, columns, tiers)
        except ValueError as error:
            report.rejected.append((number, str(error)))
            continue
        code = values["credit_code"]
        if code in first_row_of:
            report.rejected.append(
                (number, f"credit code {code} is already on row {first_row_of[code]}")
            )
            continue
        first_row_of[code] = number
        good.append(values)
    existing = {
        company.credit_code: company
        for company in MemberCompany.objects.filter(credit_code__in=first_row_of)
    }
    new, changed = [], []
    for values in good:
        company = existing.get(values["credit_code"])
        if company is None:
            new.append(MemberCompany(**values))
            report.created.append(values["name"])
        elif any(getattr(company, f) != values[f] for f in FIELDS):
            for name in FIELDS:
                setattr(company, name, values[name])
            changed.append(company)
            report.updated.append(values["name"])
        else:
            report.unchanged.append(values["name"])
    if not dry_run:
        with transaction.atomic():
            MemberCompany.objects.bulk_create(new, batch_size=500)
            MemberCompany.objects.bulk_update(changed, FIELDS, batch_size=500)
        if new or changed:
            # Bulk writes send no signals: index the companies for admin search.
            get_search_backend().add_bulk(MemberCompany, [*new, *changed])
    return report
