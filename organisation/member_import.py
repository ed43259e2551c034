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
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from openpyxl.utils.datetime import from_excel
from wagtail.models import Locale

from home.slugs import numbered

from .credit_code import credit_code_problem, normalise
from .models import Industry, MemberCompany, MembershipTier, Region
from .search import index_companies

COLUMNS = {
    "name": ("企业名称", "企業名稱", "单位名称", "單位名稱", "company name", "name"),
    "english_name": ("英文名称", "英文名稱", "english name"),
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
FIELDS = ("name", "english_name", "tier", "region", "industry", "website", "join_date")
TEXT_FIELDS = ("name", "english_name", "credit_code", "website")
LABELS = {"region": Region, "industry": Industry}
MAX_ROWS = 50_000
EXCEL_ERROR = re.compile(r"^#(N/A|[A-Z0-9/]+[!?]?)$")
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
    return re.sub(r"[\s_\u3000\ufeff]+", " ", str(text or "")).strip().casefold()


def read_table(path):
    """(header row, [(row number, cells), ...]) of the first sheet or the CSV.

    Anything wrong with the file as a whole (format, encoding, size, a damaged
    sheet) is a MemberFileError naming the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise MemberFileError(f"{path}: only .xlsx and .csv files can be imported")
    try:
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(decode_csv(path.read_bytes()))))
        else:
            rows = read_xlsx(path)
    except OSError as error:
        raise MemberFileError(
            f"{path}: cannot read the file: {error.strerror}"
        ) from None
    except MemberFileError as error:
        raise MemberFileError(f"{path}: {error}") from None
    # A damaged file can fail in many ways inside csv or openpyxl; each is this
    # file's problem, to be reported, not a crash of the import.
    except Exception as error:  # noqa: BLE001
        raise MemberFileError(f"{path}: cannot read the file ({error})") from None
    if not rows:
        raise MemberFileError(f"{path}: the file is empty")
    if len(rows) > MAX_ROWS + 1:
        raise MemberFileError(f"{path}: more than {MAX_ROWS} rows; split the list")
    numbered = [
        (number, row)
        for number, row in enumerate(rows[1:], 2)
        if any(str(cell or "").strip() for cell in row)
    ]
    return rows[0], numbered


def decode_csv(data):
    """CSV text: UTF-16 when it starts with its byte-order mark, else UTF-8 (with or
    without Excel's BOM), else GB 18030, which Excel uses on Chinese Windows."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MemberFileError("the CSV file is neither UTF-8, UTF-16 nor GB 18030 text")


def read_xlsx(path):
    """The first sheet's rows, no wider than its header row and at most MAX_ROWS
    long, so a stray cell far away cannot make a small file huge."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows, []))
        while header and header[-1] in (None, ""):
            header.pop()
        width = len(header)
        table = [header] if header else []
        for row in rows:
            table.append(list(row[:width]))
            if len(table) > MAX_ROWS + 1:
                break
        return table
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


def name_lookup(model):
    """Every name (in every locale) and slug of a translatable model's rows, to the
    default locale's row: 理事單位, 理事单位 and Director members are one tier."""
    default = Locale.get_default()
    sources = {row.translation_key: row for row in model.objects.filter(locale=default)}
    lookup = {}
    for row in model.objects.all():
        source = sources.get(row.translation_key)
        if source is not None:
            lookup[header_key(row.name)] = source
            lookup[header_key(row.slug)] = source
    return lookup


@dataclass
class NewLabel:
    """A region or industry the file names and the site does not have yet."""

    model: type
    name: str


def create_label(label, lookup):
    """The default-locale row for a NewLabel, created once per name (its slug made
    free among the locale's)."""
    key = header_key(label.name)
    if key not in lookup:
        default = Locale.get_default()
        taken = set(
            label.model.objects.filter(locale=default).values_list("slug", flat=True)
        )
        slug = numbered(
            slugify(label.name, allow_unicode=True) or "label", taken.__contains__
        )
        lookup[key] = label.model.objects.create(
            name=label.name, slug=slug, locale=default
        )
    return lookup[key]


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2958466:
        # An Excel date serial (days since 1899-12-30) from a cell typed as number.
        return (from_excel(value) or datetime.datetime.min).date()
    match = DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"join date {value!r} is not a date like 2021-07-12")
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError as error:
        raise ValueError(f"join date {value!r}: {error}") from None


def text_cell(value, column, model=MemberCompany, field_name=None):
    """A cell of `column` as text for `model.field_name` (by default the field of
    the column's name), or ValueError: spreadsheet error values, NUL characters and
    text too long for the field are refused, not stored."""
    text = "" if value is None else str(value).strip()
    if EXCEL_ERROR.match(text):
        raise ValueError(f"{column}: the cell holds the spreadsheet error {text}")
    if "\x00" in text:
        raise ValueError(f"{column}: the cell holds a NUL character")
    limit = model._meta.get_field(field_name or column).max_length
    if limit and len(text) > limit:
        raise ValueError(f"{column}: longer than {limit} characters")
    return text


def clean_row(cells, columns, lookups):
    """The fields of one row that the file has columns for, or ValueError with the
    reason."""

    def raw(name):
        index = columns[name]
        return cells[index] if index < len(cells) else None

    values = {
        name: text_cell(raw(name), name) for name in TEXT_FIELDS if name in columns
    }
    values["credit_code"] = normalise(values["credit_code"])
    if not values["name"]:
        raise ValueError("missing company name")
    if not values["credit_code"]:
        raise ValueError("missing credit code")
    if problem := credit_code_problem(values["credit_code"]):
        raise ValueError(f"invalid credit code {values['credit_code']}: {problem}")
    tier_name = text_cell(raw("tier"), "tier", MembershipTier, "name")
    values["tier"] = lookups["tier"].get(header_key(tier_name))
    if values["tier"] is None:
        raise ValueError(f"unknown membership tier {tier_name!r}")
    if values.get("website"):
        try:
            URLValidator()(values["website"])
        except ValidationError:
            raise ValueError(f"website {values['website']!r} is not a URL") from None
    for field_name, model in LABELS.items():
        if field_name in columns:
            name = text_cell(raw(field_name), field_name, model, "name")
            found = lookups[field_name].get(header_key(name))
            values[field_name] = found or (NewLabel(model, name) if name else None)
    if "join_date" in columns:
        values["join_date"] = parse_date(raw("join_date"))
    return values


def first_rows(rows, columns):
    """The row number on which each (valid-looking) credit code first appears,
    rejected rows included, so a later row with the same code is a duplicate."""
    first = {}
    for number, cells in rows:
        index = columns["credit_code"]
        code = normalise(cells[index] if index < len(cells) and cells[index] else "")
        if code:
            first.setdefault(code, number)
    return first


def import_members(path, dry_run=False):
    """Import one member list; return an ImportReport. Raises MemberFileError when
    the file as a whole cannot be read.

    A company that exists already gets the values of the file's columns; fields the
    file has no column for keep what they had.
    """
    header, rows = read_table(path)
    columns = find_columns(header, path)
    lookups = {"tier": name_lookup(MembershipTier)}
    lookups.update((name, name_lookup(model)) for name, model in LABELS.items())
    report = ImportReport()
    first_row_of = first_rows(rows, columns)
    good = []
    for number, cells in rows:
        try:
            values = clean_row(cells, columns, lookups)
        except ValueError as error:
            report.rejected.append((number, str(error)))
            continue
        code = values["credit_code"]
        if first_row_of[code] != number:
            report.rejected.append(
                (number, f"credit code {code} is already on row {first_row_of[code]}")
            )
            continue
        good.append(values)
    fields = [name for name in FIELDS if name in good[0]] if good else []
    existing = MemberCompany.objects.in_bulk(
        [values["credit_code"] for values in good], field_name="credit_code"
    )
    # Everything is written in one transaction; a dry run rolls it back, so it
    # reports exactly what the import would do and leaves no trace.
    with transaction.atomic():
        new, changed = [], []
        for values in good:
            for name in LABELS:
                if isinstance(values.get(name), NewLabel):
                    values[name] = create_label(values[name], lookups[name])
            company = existing.get(values["credit_code"])
            if company is None:
                new.append(MemberCompany(**values))
                report.created.append(values["name"])
                continue
            # Compare relations by id: no query per company.
            before = [getattr(company, attname(f)) for f in fields]
            for name in fields:
                setattr(company, name, values[name])
            if before != [getattr(company, attname(f)) for f in fields]:
                changed.append(company)
                report.updated.append(values["name"])
            else:
                report.unchanged.append(values["name"])
        MemberCompany.objects.bulk_create(new, batch_size=500)
        if changed:
            MemberCompany.objects.bulk_update(changed, fields, batch_size=500)
        if dry_run:
            transaction.set_rollback(True)
    if (new or changed) and not dry_run:
        index_companies([*new, *changed])
    return report


def attname(field_name):
    """The attribute holding a field's stored value (the id, for a relation)."""
    return MemberCompany._meta.get_field(field_name).attname
