"""Import of the secretariat's member lists (.xlsx or .csv), in three steps.

`plan_import` reads the file and the database and writes nothing. Columns are
found by their header, in Simplified or Traditional Chinese or in English, in any
order. Every row is checked; a rejected row gets its reason in the active
language, naming its row number (as the spreadsheet shows it) and the column
(as the file's header spells it). The other rows are sorted into companies to
create, to update (with what changes) and unchanged. What the file alone cannot
decide is asked, never guessed: a region or industry the site does not have
(create it, or reject the rows that use it), and a name that another credit code
already uses (compared as search compares text: NFKC, case and script folded),
a possible duplicate that is skipped unless the worker imports it anyway.

`ImportPlan.decided` applies those decisions; `write` writes the outcome in one
transaction, so an import is whole or absent. Companies are matched by credit
code, so importing the same list again updates, never duplicates.
"""

import csv
import dataclasses
import datetime
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from openpyxl.utils.datetime import from_excel
from wagtail.models import Locale

from cms.search.text import normalise as normalise_text
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


class RowProblem(ValueError):
    """Why one row cannot be imported; the message names the column."""


def header_key(text):
    return re.sub(r"[\s_\u3000\ufeff]+", " ", str(text or "")).strip().casefold()


def name_key(name):
    """A company name as duplicates are compared: search's normalisation (NFKC,
    case folding, Traditional to Simplified) without whitespace, so 杭州錦恒實業
    and 杭州锦恒实业 are one name."""
    return "".join(normalise_text(name).split())


def read_table(path, file_name):
    """(header row, [(row number, cells), ...]) of the first sheet or the CSV, and
    the digest of the file's bytes.

    Anything wrong with the file as a whole (format, encoding, size, a damaged
    sheet, no rows) is a MemberFileError naming the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    where = {"file": file_name}
    if suffix not in (".csv", ".xlsx"):
        raise MemberFileError(
            gettext("%(file)s: only .xlsx and .csv files can be imported") % where
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MemberFileError(
            gettext("%(file)s: cannot read the file (%(error)s)")
            % {**where, "error": error.strerror}
        ) from None
    if suffix == ".csv":
        text = decode_csv(data, file_name)
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:
            raise MemberFileError(
                gettext("%(file)s: the CSV text cannot be read (%(error)s)")
                % {**where, "error": error}
            ) from None
    else:
        try:
            rows = read_xlsx(io.BytesIO(data))
        # A file that is not a workbook fails in many ways inside zipfile and
        # openpyxl; each is this file's problem, to be reported, not a crash.
        except Exception as error:  # noqa: BLE001
            raise MemberFileError(
                gettext(
                    "%(file)s is not an Excel workbook (.xlsx) that can be opened "
                    "(%(error)s)"
                )
                % {**where, "error": error}
            ) from None
    if not rows:
        raise MemberFileError(gettext("%(file)s: the file is empty") % where)
    if len(rows) > MAX_ROWS + 1:
        raise MemberFileError(
            gettext("%(file)s: more than %(max)d rows; split the list")
            % {**where, "max": MAX_ROWS}
        )
    numbered_rows = [
        (number, row)
        for number, row in enumerate(rows[1:], 2)
        if any(str(cell or "").strip() for cell in row)
    ]
    return rows[0], numbered_rows, hashlib.sha256(data).hexdigest()


def decode_csv(data, file_name):
    """CSV text: UTF-16 when it starts with its byte-order mark, else UTF-8 (with or
    without Excel's BOM), else GB 18030, which Excel uses on Chinese Windows."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
    raise MemberFileError(
        gettext(
            "%(file)s: the CSV file is not UTF-8, UTF-16 or GB 18030 text (line "
            "%(line)d holds bytes none of them can read); save it again as "
            "“CSV UTF-8”"
        )
        % {"file": file_name, "line": line}
    )


def read_xlsx(source):
    """The first sheet's rows, no wider than its header row and at most MAX_ROWS
    long, so a stray cell far away cannot make a small file huge."""
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True, data_only=True)
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


def find_columns(header, file_name):
    """{field: (column index, the header as the file spells it)}."""
    keys = [header_key(cell) for cell in header]
    columns = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if header_key(alias) in keys:
                index = keys.index(header_key(alias))
                columns[name] = (index, str(header[index]).strip().lstrip("\ufeff"))
                break
    missing = [f"“{COLUMNS[name][0]}”" for name in REQUIRED if name not in columns]
    if missing:
        found = ", ".join(str(c) for c in header if c) or gettext("nothing")
        raise MemberFileError(
            ngettext(
                "%(file)s: row 1 has no column %(missing)s (it has: %(found)s)",
                "%(file)s: row 1 has no columns %(missing)s (it has: %(found)s)",
                len(missing),
            )
            % {"file": file_name, "missing": ", ".join(missing), "found": found}
        )
    return columns


def name_lookup(model, shown):
    """Every name (in every locale) and slug of a translatable model's rows, to the
    default locale's row: 理事單位, 理事单位 and Director members are one tier.
    Fills `shown` with each translation key's name in the active language, as the
    preview names the tiers, regions and industries to the editor."""
    default, active = Locale.get_default(), Locale.get_active()
    sources = {row.translation_key: row for row in model.objects.filter(locale=default)}
    lookup = {}
    for row in model.objects.all():
        source = sources.get(row.translation_key)
        if source is not None:
            lookup[header_key(row.name)] = source
            lookup[header_key(row.slug)] = source
            if row.locale_id == active.pk:
                shown[row.translation_key] = row.name
    return lookup


@dataclass(eq=False)
class NewLabel:
    """A region or industry the file names and the site does not have yet: the
    worker decides to create it or to reject the rows that use it."""

    field: str
    column: str
    name: str
    rows: list = field(default_factory=list)
    # The row written for it, once created.
    instance: object = None

    @property
    def key(self):
        return f"{self.field}:{header_key(self.name)}"

    @property
    def kind(self):
        return LABELS[self.field]._meta.verbose_name

    def create(self):
        """The default-locale row, its slug made free among the locale's."""
        model = LABELS[self.field]
        default = Locale.get_default()
        taken = set(model.objects.filter(locale=default).values_list("slug", flat=True))
        slug = numbered(
            slugify(self.name, allow_unicode=True) or "label", taken.__contains__
        )
        self.instance = model.objects.create(name=self.name, slug=slug, locale=default)


def parse_date(value, column):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2958466:
        # An Excel date serial (days since 1899-12-30) from a cell typed as number.
        return (from_excel(value) or datetime.datetime.min).date()
    where = {"column": column, "value": value}
    match = DATE.match(str(value).strip())
    if not match:
        raise RowProblem(
            gettext("column “%(column)s”: “%(value)s” is not a date like 2021-07-12")
            % where
        )
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        raise RowProblem(
            gettext("column “%(column)s”: there is no date “%(value)s”") % where
        ) from None


def text_cell(value, column, field_name, model=MemberCompany):
    """A cell of the `column` header as text for `model.field_name`, or RowProblem:
    spreadsheet error values, NUL characters and text too long for the field are
    refused, not stored."""
    text = "" if value is None else str(value).strip()
    where = {"column": column, "value": text}
    if EXCEL_ERROR.match(text):
        raise RowProblem(
            gettext(
                "column “%(column)s”: the cell holds the spreadsheet error %(value)s"
            )
            % where
        )
    if "\x00" in text:
        raise RowProblem(
            gettext("column “%(column)s”: the cell holds a NUL character") % where
        )
    limit = model._meta.get_field(field_name).max_length
    if limit and len(text) > limit:
        raise RowProblem(
            gettext("column “%(column)s”: longer than %(limit)d characters")
            % {**where, "limit": limit}
        )
    return text


@dataclass(eq=False)
class Row:
    """A good row: its values (a NewLabel where it names a new region or
    industry) and each as the editor reads it, the company it updates, what
    changes, and the existing companies of another credit code with the same
    name."""

    number: int
    values: dict
    shown: dict
    company: MemberCompany | None = None
    changes: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)

    @property
    def new_labels(self):
        return [v for v in self.values.values() if isinstance(v, NewLabel)]

    @property
    def notes(self):
        """What the preview asks about this row, in the active language."""
        notes = [
            gettext("new %(kind)s “%(name)s”: create it or reject the row")
            % {"kind": label.kind, "name": label.name}
            for label in self.new_labels
        ]
        notes += [
            gettext("possible duplicate of “%(name)s” (credit code %(code)s)")
            % {"name": company.name, "code": company.credit_code}
            for company in self.duplicates
        ]
        return notes


def display(value, shown):
    """`value` as the preview shows it; a tier, region or industry by its name in
    the active language (`shown`, by translation key)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, NewLabel):
        return gettext("%(name)s (new)") % {"name": value.name}
    if isinstance(value, datetime.date):
        return value.isoformat()
    return shown.get(getattr(value, "translation_key", None), str(value))


@dataclass
class Decisions:
    """The worker's answers: the keys of the new labels to create (the others
    reject their rows) and the row numbers of possible duplicates to import
    anyway (the others are skipped)."""

    create_labels: set = field(default_factory=set)
    import_duplicates: set = field(default_factory=set)


@dataclass
class ImportPlan:
    """What an import does: the rows to create, update or leave, those rejected
    or skipped with their reasons, and the new labels it asks about (before the
    decisions) or creates (after)."""

    file_name: str
    digest: str  # of the file's bytes
    columns: dict  # field: (index, header)
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    # (row number, reason), in row order.
    rejected: list = field(default_factory=list)
    # Possible duplicates not imported: (row number, reason).
    skipped: list = field(default_factory=list)
    new_labels: dict = field(default_factory=dict)  # key: NewLabel

    @property
    def fields(self):
        return [name for name in FIELDS if name in self.columns]

    @property
    def duplicates(self):
        return [row for row in (*self.create, *self.update) if row.duplicates]

    def questions(self):
        """A digest of what the preview asks; the confirmation is refused when
        the data changed so that it would ask something else."""
        asked = [sorted(self.new_labels)]
        asked += [
            (row.number, [c.pk for c in row.duplicates]) for row in self.duplicates
        ]
        return hashlib.sha256(repr(asked).encode()).hexdigest()

    def decided(self, decisions):
        """The plan with the worker's decisions applied: rows using a new label
        that is not to be created are rejected, possible duplicates not to be
        imported are skipped."""
        rejected, skipped = list(self.rejected), list(self.skipped)

        def keep(row):
            for label in row.new_labels:
                if label.key not in decisions.create_labels:
                    rejected.append((row.number, label_rejected(label)))
                    return False
            if row.duplicates and row.number not in decisions.import_duplicates:
                company = row.duplicates[0]
                skipped.append(
                    (
                        row.number,
                        gettext(
                            "column “%(column)s”: “%(name)s” (credit code %(code)s) "
                            "has this name already; skipped as a possible duplicate"
                        )
                        % {
                            "column": self.columns["name"][1],
                            "name": company.name,
                            "code": company.credit_code,
                        },
                    )
                )
                return False
            return True

        create = [row for row in self.create if keep(row)]
        update = [row for row in self.update if keep(row)]
        return dataclasses.replace(
            self,
            create=create,
            update=update,
            rejected=sorted(rejected),
            skipped=sorted(skipped),
            new_labels={
                key: label
                for key, label in self.new_labels.items()
                if key in decisions.create_labels
            },
        )


def label_rejected(label):
    return gettext(
        "column “%(column)s”: “%(name)s” is not an existing %(kind)s and was not "
        "accepted as a new one"
    ) % {"column": label.column, "name": label.name, "kind": label.kind}


class Planner:
    """Checks rows against the vocabularies and companies read once."""

    def __init__(self, columns):
        self.columns = columns
        self.shown = {}
        self.lookups = {"tier": name_lookup(MembershipTier, self.shown)}
        self.lookups.update(
            (name, name_lookup(model, self.shown)) for name, model in LABELS.items()
        )
        self.new_labels = {}
        self.names = defaultdict(list)
        for company in MemberCompany.objects.only("name", "credit_code"):
            self.names[name_key(company.name)].append(company)

    def header(self, name):
        return self.columns[name][1]

    def clean(self, cells):
        """The fields of one row that the file has columns for, or RowProblem."""

        def raw(name):
            index = self.columns[name][0]
            return cells[index] if index < len(cells) else None

        values = {
            name: text_cell(raw(name), self.header(name), name)
            for name in TEXT_FIELDS
            if name in self.columns
        }
        values["credit_code"] = normalise(values["credit_code"])
        if not values["name"]:
            raise RowProblem(
                gettext("column “%(column)s”: the company name is missing")
                % {"column": self.header("name")}
            )
        code_where = {
            "column": self.header("credit_code"),
            "code": values["credit_code"],
        }
        if not values["credit_code"]:
            raise RowProblem(
                gettext("column “%(column)s”: the credit code is missing") % code_where
            )
        if problem := credit_code_problem(values["credit_code"]):
            raise RowProblem(
                gettext(
                    "column “%(column)s”: invalid credit code %(code)s: %(problem)s"
                )
                % {**code_where, "problem": problem}
            )
        tier_name = text_cell(raw("tier"), self.header("tier"), "name", MembershipTier)
        values["tier"] = self.lookups["tier"].get(header_key(tier_name))
        if values["tier"] is None:
            raise RowProblem(
                gettext("column “%(column)s”: unknown membership tier “%(tier)s”")
                % {"column": self.header("tier"), "tier": tier_name}
            )
        if values.get("website"):
            try:
                URLValidator()(values["website"])
            except ValidationError:
                raise RowProblem(
                    gettext("column “%(column)s”: “%(value)s” is not a web address")
                    % {"column": self.header("website"), "value": values["website"]}
                ) from None
        for field_name, model in LABELS.items():
            if field_name in self.columns:
                column = self.header(field_name)
                name = text_cell(raw(field_name), column, "name", model)
                found = self.lookups[field_name].get(header_key(name))
                if found is None and name:
                    label = NewLabel(field_name, column, name)
                    found = self.new_labels.setdefault(label.key, label)
                values[field_name] = found
        if "join_date" in self.columns:
            values["join_date"] = parse_date(raw("join_date"), self.header("join_date"))
        return values

    def duplicates(self, values):
        return [
            company
            for company in self.names.get(name_key(values["name"]), ())
            if company.credit_code != values["credit_code"]
        ]


def first_rows(rows, index):
    """The row number on which each (valid-looking) credit code first appears,
    rejected rows included, so a later row with the same code is a duplicate."""
    first = {}
    for number, cells in rows:
        code = normalise(cells[index] if index < len(cells) and cells[index] else "")
        if code:
            first.setdefault(code, number)
    return first


def plan_import(path, file_name=None):
    """What importing the file would do, asking what it cannot decide; writes
    nothing. Raises MemberFileError when the file as a whole cannot be read.

    A company that exists already gets the values of the file's columns; fields
    the file has no column for keep what they had.
    """
    file_name = file_name or str(path)
    header, rows, digest = read_table(path, file_name)
    columns = find_columns(header, file_name)
    if not rows:
        raise MemberFileError(
            gettext("%(file)s: there are no member rows below the header row")
            % {"file": file_name}
        )
    planner = Planner(columns)
    plan = ImportPlan(file_name=file_name, digest=digest, columns=columns)
    first_row_of = first_rows(rows, columns["credit_code"][0])
    good = []
    for number, cells in rows:
        try:
            values = planner.clean(cells)
        except RowProblem as error:
            plan.rejected.append((number, str(error)))
            continue
        code = values["credit_code"]
        if first_row_of[code] != number:
            plan.rejected.append(
                (
                    number,
                    gettext(
                        "column “%(column)s”: credit code %(code)s is already on "
                        "row %(row)d"
                    )
                    % {
                        "column": planner.header("credit_code"),
                        "code": code,
                        "row": first_row_of[code],
                    },
                )
            )
            continue
        shown = {name: display(value, planner.shown) for name, value in values.items()}
        good.append(Row(number, values, shown, duplicates=planner.duplicates(values)))
    existing = MemberCompany.objects.select_related(
        "tier", "region", "industry"
    ).in_bulk([row.values["credit_code"] for row in good], field_name="credit_code")
    fields = plan.fields
    for row in good:
        for label in row.new_labels:
            label.rows.append(row.number)
        row.company = existing.get(row.values["credit_code"])
        if row.company is None:
            plan.create.append(row)
            continue
        row.changes = changes(row.company, row.values, fields, planner.shown)
        (plan.update if row.changes else plan.unchanged).append(row)
    plan.new_labels = {
        key: label for key, label in planner.new_labels.items() if label.rows
    }
    return plan


def changes(company, values, fields, shown):
    """What the row changes, one text per field ("会员等级：会员单位 → 理事单位");
    relations are compared by id, so no query per company."""
    found = []
    for name in fields:
        model_field = MemberCompany._meta.get_field(name)
        new = values[name]
        if model_field.is_relation:
            same = not isinstance(new, NewLabel) and getattr(
                company, model_field.attname
            ) == (new.pk if new else None)
        else:
            same = getattr(company, name) == new
        if not same:
            old = getattr(company, name)
            found.append(
                gettext("%(field)s: %(old)s → %(new)s")
                % {
                    "field": capfirst(model_field.verbose_name),
                    "old": display(old, shown),
                    "new": display(new, shown),
                }
            )
    return found


def write(plan):
    """Write a decided plan, all of it or (on any error) nothing: the new labels
    chosen, the companies to create and update, and their search entries."""
    with transaction.atomic():
        for label in plan.new_labels.values():
            label.create()

        def stored(values):
            return {
                name: value.instance if isinstance(value, NewLabel) else value
                for name, value in values.items()
            }

        new = [MemberCompany(**stored(row.values)) for row in plan.create]
        changed = []
        for row in plan.update:
            for name, value in stored(row.values).items():
                setattr(row.company, name, value)
            changed.append(row.company)
        MemberCompany.objects.bulk_create(new, batch_size=500)
        if changed:
            MemberCompany.objects.bulk_update(changed, plan.fields, batch_size=500)
        if new or changed:
            index_companies([*new, *changed])
