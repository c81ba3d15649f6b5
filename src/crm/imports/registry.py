"""The registry of importable record types (IMP-1).

A record type declares its fields (with the Chinese and English headers that map to them), how a
batch of rows is validated and how it is written; the machinery around it (reading CSV and XLSX,
mapping, preview, checkpoints, rejects file, jobs, API, command line) is shared. Customers and
contacts register in `crm.imports.types`; a later module registers its own type from its
AppConfig.ready():

    from crm.imports.registry import FieldSpec, ImportType, register

    class ProductImport(ImportType):
        code = "products"
        label = _("Products")
        resource = "products.product"

        def fields(self):
            return [FieldSpec("name", _("Product name"), ("产品名称", "品名", "product"), required=True), …]

        def check_access(self, access):
            access.require("products.product.import")

        def write(self, ctx, rows):
            …  # set row.outcome (and row.record_id) on every row without errors

    register(ProductImport())

See docs/import-export.md for the whole contract.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import override

from crm.access.engine import access_for

# Field kinds understood by crm.imports.values.
TEXT = "text"
INTEGER = "integer"
RATING = "rating"
DECIMAL = "decimal"
DATE = "date"
BOOLEAN = "boolean"
EMAIL = "email"
PHONE = "phone"
MOBILE = "mobile"
DICTIONARY = "dictionary"
PROVINCE = "province"
CITY = "city"
USER = "user"
CHOICE = "choice"
CUSTOM = "custom"
URL = "url"

# What happened to a row.
CREATED = "created"
UPDATED = "updated"
SKIPPED = "skipped"
REJECTED = "rejected"
WAITING = "waiting"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str  # lazy: the header in the template and on the mapping page
    aliases: tuple[str, ...] = ()  # other headers that mean this field (Chinese and English)
    required: bool = False  # needed to create a record (an update changes only what a row holds)
    kind: str = TEXT
    category: str = ""  # dictionary category (kind DICTIONARY)
    choices: tuple = ()  # (value, label) pairs (kind CHOICE), matched by value or label
    help: str = ""  # what the cell should hold, for the template's notes sheet
    example: str = ""  # the template's example row
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    allow_default: bool = False  # the mapping may give one value for rows without one
    initial: str = ""  # that default, unless the user sets another
    rule_field: str = ""  # the field the field rules name; default: key
    identifies: bool = False  # finds an existing record (number, external id)
    custom: object = None  # the CustomField definition (kind CUSTOM)

    @property
    def protected_as(self) -> str:
        return self.rule_field or self.key


@dataclass
class Row:
    """One data row on its way through a record type."""

    index: int  # position among the file's data rows (the checkpoint counts these)
    number: int  # the row number in the sheet, as the user sees it
    raw: list  # every cell of the row as text, header order
    cells: dict = field(default_factory=dict)  # field key -> the mapped cell's text
    values: dict = field(default_factory=dict)  # field key -> converted value
    errors: dict = field(default_factory=dict)  # field key ("" for the row) -> messages
    outcome: str = ""
    message: str = ""
    matches: list = field(default_factory=list)
    record_id: int | None = None
    policy: str = ""  # a decision for this row only (after "ask")
    extra: dict = field(default_factory=dict)

    def fail(self, key: str, message) -> None:
        self.errors.setdefault(key, []).append(str(message))

    def model_checks(self, instance, exclude: list[str]) -> None:
        """The model's own validation (clean_fields without `exclude`, then clean()) as row
        errors; a field the import already refused is not reported twice."""
        from django.core.exceptions import ValidationError

        try:
            instance.clean_fields(exclude=exclude)
            instance.clean()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                if key in self.errors:
                    continue
                for message in messages:
                    self.fail(key if key != "__all__" else "", message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def reset(self) -> None:
        self.outcome, self.message, self.matches, self.record_id = "", "", [], None


@dataclass
class Context:
    """What a run knows beyond its rows: the actor's rights, lookups, the rows seen so far."""

    actor: object
    access: object
    type: "ImportType"
    job: object = None
    fields: dict = field(default_factory=dict)  # key -> FieldSpec (the writable ones)
    mapped: set = field(default_factory=set)  # keys with a column
    defaults: dict = field(default_factory=dict)  # key -> converted value for rows without one
    policy: str = "skip"
    dry_run: bool = False
    lookups: object = None
    seen: dict = field(default_factory=dict)  # in-file duplicate keys -> the earlier row
    state: dict = field(default_factory=dict)  # the type's own


class ImportType:
    """Base class of an importable record type. Subclasses set code/label/resource and implement
    fields(), check_access() and write(); begin() and validate() are optional hooks."""

    code: str = ""
    label = ""
    resource: str = ""  # the access resource whose field rules apply

    # --- what the type declares ---------------------------------------------------------------
    def fields(self) -> list[FieldSpec]:
        raise NotImplementedError

    def check_access(self, access) -> None:
        """Raise crm.core.errors.PermissionDenied unless the user may import this type."""
        raise NotImplementedError

    def allowed(self, actor) -> bool:
        from crm.core.errors import PermissionDenied

        try:
            self.check_access(access_for(actor))
        except PermissionDenied:
            return False
        return True

    def writable_fields(self, actor) -> list[FieldSpec]:
        """The fields this user may import: field rules (read-only, masked, hidden) take some away."""
        protected = access_for(actor).readonly_fields(self.resource) if self.resource else set()
        return [spec for spec in self.fields() if spec.protected_as not in protected]

    # --- a run -------------------------------------------------------------------------------------
    def begin(self, ctx: Context) -> None:
        """Load what the rows are checked against (dictionary, users, regions …) into ctx."""

    def validate(self, ctx: Context, row: Row) -> None:
        """Checks across fields of one row, after every field was converted."""

    def clean(self, ctx: Context, rows: list[Row]) -> None:
        """Convert each mapped cell (crm.imports.values), then the row-level checks. Rows are
        cleaned one at a time, in the pauses of the batch before (crm.imports.reading), possibly
        in the middle of its COPY: a type's clean treats each row alone and never queries the
        database (what it matches against is loaded before, by Lookups.load)."""
        from crm.imports.values import convert

        for row in rows:
            for key, text in row.cells.items():
                spec = ctx.fields.get(key)
                if spec is None or text is None or str(text).strip() == "":
                    continue
                try:
                    row.values[key] = convert(spec, text, ctx.lookups)
                except ValueError as exc:
                    row.fail(key, exc.args[0] if exc.args else _("Not a valid value."))
            self.validate(ctx, row)

    def write(self, ctx: Context, rows: list[Row]) -> None:
        """Store the rows without errors; set each row's outcome (CREATED, UPDATED, SKIPPED,
        REJECTED with row.fail(), WAITING with row.matches). Called inside the transaction that
        also stores the checkpoint; must not write when ctx.dry_run. Set-based: a fixed number
        of queries per batch, never one per row."""
        raise NotImplementedError

    def display(self, ctx: Context, row: Row) -> dict:
        """The row's values as they will be stored, as text, for the preview."""
        from crm.imports.values import display

        shown = {}
        for key, spec in ctx.fields.items():
            if key in row.values:
                shown[key] = display(spec, row.values[key])
            elif key in ctx.defaults and row.outcome == CREATED:
                shown[key] = display(spec, ctx.defaults[key])
        return shown

    def committed(self, ctx: Context, rows: list[Row]) -> None:
        """After a batch is committed (e.g. forget the rows, keep what later rows compare with)."""

    def example(self, actor) -> dict:
        """Values of the template's example row beyond the fields' own examples."""
        return {}


_types: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    existing = _types.get(import_type.code)
    if existing is not None and type(existing) is not type(import_type):
        raise ValueError(f"import type {import_type.code} registered twice")
    _types[import_type.code] = import_type
    return import_type


def get(code: str) -> ImportType:
    return _types[code]


def exists(code: str) -> bool:
    return code in _types


def all_types() -> list[ImportType]:
    return list(_types.values())


def types_for(actor) -> list[ImportType]:
    return [entry for entry in _types.values() if entry.allowed(actor)]


# --- headers ---------------------------------------------------------------------------------------
_HEADER_NOISE = re.compile(r"[\s*＊:：_\-·.。、/\\|'\"“”‘’]+")
_REQUIRED_MARKS = re.compile(r"[(（\[【](必填|必须|必需|选填|可选|required|optional)[)）\]】]")


def header_key(text) -> str:
    """A header as compared: width, case, spaces, asterisks and (必填)-style marks ignored."""
    folded = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    folded = _REQUIRED_MARKS.sub("", folded)
    return _HEADER_NOISE.sub("", folded)


def field_names(spec: FieldSpec) -> set[str]:
    """Every header that maps to a field: its label in both languages, its key, its aliases."""
    names = {header_key(spec.key), header_key(spec.label), *(header_key(alias) for alias in spec.aliases)}
    for language in ("zh-hans", "en"):
        with override(language):
            names.add(header_key(str(spec.label)))
    return {name for name in names if name}


def header_index(fields: list[FieldSpec]) -> dict[str, str]:
    """header key -> field key; the first field claiming a name keeps it."""
    index: dict[str, str] = {}
    for spec in fields:
        for name in sorted(field_names(spec)):
            index.setdefault(name, spec.key)
    return index


def match_columns(fields: list[FieldSpec], headers: list[str]) -> dict[str, str]:
    """Automatic mapping {column index: field key}: each field at most once, first column wins."""
    index = header_index(fields)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        key = index.get(header_key(header))
        if key and key not in taken:
            mapping[str(position)] = key
            taken.add(key)
    return mapping


# --- exports -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportSource:
    """A record type that can be exported in the background (IMP-2): `query(actor, params)` gives
    the queryset and the crm.imports.exports columns for the list's query string `params`."""

    code: str
    label: str
    resource: str  # its "export" function permission, data scope and field rules apply
    query: object  # (actor, QueryDict) -> (queryset, [Column])


_sources: dict[str, ExportSource] = {}


def register_export(source: ExportSource) -> ExportSource:
    _sources[source.code] = source
    return source


def export_source(code: str) -> ExportSource:
    return _sources[code]


def export_sources() -> list[ExportSource]:
    return list(_sources.values())
