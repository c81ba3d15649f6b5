"""Importing customers (IMP-1, CUS-1, CUS-8): the fields, the checks, the duplicate policy and
the set-based writes.

Per batch of rows (a fixed number of queries whatever its size): the rows' normalised keys (name,
phone, e-mail, credit code; crm.customers.normalise) are looked up with one query on the key table,
as are customer numbers and external IDs; rows are compared with each other through the keys of
the rows before them in the same file. Each match is judged by the administrators' duplicate
rules (block / warn / off); a "block" rule cannot be overridden by "create anyway". Similar-name
(fuzzy) matching is left to the duplicate pages: scored per row it would make big imports slow.
Each row's customer is drafted while it is read (clean: pinyin, name key, search tokens but for
the number, keys, audit values); new customers get their numbers as one reserved block and go to
the database by COPY (crm.core.bulk), then their keys, timeline events and audit rows as tuples.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import access_for
from crm.access.masking import mask_value
from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk, snapshot
from crm.core.bulk import insert_rows, insert_values, new_row
from crm.core.errors import ValidationFailed
from crm.core.numbering import next_numbers
from crm.customers import normalise
from crm.customers.custom_fields import clean_custom_values, definitions
from crm.customers.models import Contact, Customer, CustomerKey, CustomerStatus, DuplicateMode, EventKind, KeyKind
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.duplicates import key_holders
from crm.customers.selectors.scope import assignable_managers, customer_queryset
from crm.customers.services import duplicates, indexing
from crm.customers.services.customers import AUDIT_FIELDS, NUMBER_KEY, NUMBER_PREFIX
from crm.customers.services.events import events_record_bulk
from crm.dictionary import categories
from crm.dictionary.models import Region
from crm.imports import registry as r
from crm.imports.values import Lookups, fold

F = r.FieldSpec
_KEY_RULE = {str(kind): rule for rule, kind in indexing.RULE_KEY_KINDS.items()}  # key kind -> duplicate rule
_MODE_ORDER = [DuplicateMode.OFF, DuplicateMode.WARN, DuplicateMode.BLOCK]
_KEY_FUNCTIONS = (
    (str(KeyKind.PHONE), "phone", normalise.phone_key),
    (str(KeyKind.EMAIL), "email", normalise.email_key),
    (str(KeyKind.CREDIT_CODE), "credit_code", normalise.credit_code_key),
)
IDENTITY = "identity"  # the pseudo-rule of a matching number or external ID: never a second record
_NO_AUDIT_ON_UPDATE = {"manager"}  # the manager changes by handover, not by import
# Model fields not checked by clean_fields (updates): relations, converted from lookups (no query
# per row), and what the import leaves alone.
_CLEAN_EXCLUDE = [field.name for field in Customer._meta.get_fields() if field.is_relation] + [
    "number",
    "custom",
    "external_id",
]


def _rating(key: str, label, aliases: tuple) -> r.FieldSpec:
    """Satisfaction and credit (CUS-1): required, 1–5, 3 unless the file or the user says otherwise."""
    return F(
        key,
        label,
        aliases,
        kind=r.RATING,
        required=True,
        allow_default=True,
        initial="3",
        help=gettext_lazy("A whole number from 1 to 5 (or ★★★)."),
        example="3",
    )


def _builtin_fields() -> list[r.FieldSpec]:
    _ = gettext_lazy
    return [
        F(
            "number",
            _("Customer number"),
            ("客户编号", "编号", "客户编码", "number", "customer no", "customer number"),
            identifies=True,
            max_length=30,
            help=_("Only to update existing customers: their number (KH…). New customers are numbered automatically."),
        ),
        F(
            "external_id",
            _("External ID"),
            ("外部编号", "外部ID", "ERP编号", "ERP ID", "external id", "external_id"),
            identifies=True,
            max_length=64,
            help=_("The customer's ID in another system (ERP): a later import with the same ID updates it."),
        ),
        F(
            "name",
            _("Customer name"),
            (
                "客户名称",
                "名称",
                "公司名称",
                "企业名称",
                "单位名称",
                "客户全称",
                "客户",
                "公司",
                "name",
                "company",
                "company name",
                "customer",
            ),
            required=True,
            max_length=100,
            example="上海华信科技有限公司",
        ),
        F(
            "manager",
            _("Account manager"),
            (
                "客户经理",
                "负责人",
                "销售",
                "业务员",
                "销售人员",
                "所属销售",
                "跟进人",
                "manager",
                "owner",
                "sales",
                "account manager",
            ),
            kind=r.USER,
            required=True,
            allow_default=True,
            help=_("Username or name of a user within your data scope. Ignored when updating: use a handover."),
        ),
        F(
            "region",
            _("Region"),
            ("地区", "区域", "所属地区", "所属区域", "所在地区", "大区", "region", "area"),
            kind=r.DICTIONARY,
            category="region",
            required=True,
            allow_default=True,
            help=_(
                "A sales region of the dictionary, or a province or city (浙江, 宁波市): the province and city "
                "are filled and the sales region follows the province. Without this column, it follows the "
                "province column."
            ),
        ),
        F(
            "level",
            _("Customer level"),
            ("客户等级", "等级", "级别", "客户级别", "level", "customer level", "grade"),
            kind=r.DICTIONARY,
            category="customer_level",
            required=True,
            allow_default=True,
        ),
        _rating("satisfaction", _("Satisfaction"), ("满意度", "客户满意度", "satisfaction")),
        _rating("credit", _("Credit"), ("信用度", "信用", "信用等级", "credit", "credit rating")),
        F(
            "phone",
            _("Telephone"),
            ("电话", "联系电话", "公司电话", "固定电话", "座机", "总机", "手机", "phone", "telephone", "tel"),
            kind=r.PHONE,
            max_length=40,
            help=_("Mobile, landline with area code or 400/800 number; stored as 138 1234 5678 or 021-62345678."),
            example="021-62345678",
        ),
        F("fax", _("Fax"), ("传真", "fax"), kind=r.PHONE, max_length=40),
        F(
            "email",
            _("E-mail"),
            ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
            kind=r.EMAIL,
            max_length=120,
            example="info@example.com",
        ),
        F("website", _("Website"), ("网址", "网站", "公司网站", "主页", "website", "url", "web"), max_length=200),
        F(
            "address",
            _("Address"),
            ("地址", "公司地址", "详细地址", "通讯地址", "联系地址", "address"),
            max_length=200,
            example="上海市徐汇区漕溪北路 88 号",
        ),
        F(
            "postcode",
            _("Postcode"),
            ("邮编", "邮政编码", "postcode", "zip", "zip code", "postal code"),
            max_length=10,
            help=_("Six digits."),
        ),
        F(
            "province",
            _("Province"),
            ("省", "省份", "所在省份", "省/直辖市", "province"),
            kind=r.PROVINCE,
            example="上海",
        ),
        F("city", _("City"), ("市", "城市", "所在城市", "地级市", "city"), kind=r.CITY, example="上海市"),
        F(
            "customer_type",
            _("Customer type"),
            ("客户类型", "客户类别", "类型", "customer type", "type"),
            kind=r.DICTIONARY,
            category="customer_type",
            allow_default=True,
        ),
        F(
            "source",
            _("Customer source"),
            ("客户来源", "来源", "customer source", "source", "lead source"),
            kind=r.DICTIONARY,
            category="customer_source",
            allow_default=True,
        ),
        F(
            "industry",
            _("Industry"),
            ("行业", "所属行业", "行业类别", "industry"),
            kind=r.DICTIONARY,
            category="industry",
            allow_default=True,
        ),
        F(
            "potential",
            _("Development potential"),
            ("开发潜力", "潜力", "potential"),
            kind=r.DICTIONARY,
            category="customer_potential",
        ),
        F("stage", _("Customer stage"), ("客户阶段", "阶段", "stage"), kind=r.DICTIONARY, category="customer_stage"),
        F(
            "credit_code",
            _("Unified social credit code"),
            ("统一社会信用代码", "社会信用代码", "信用代码", "税号", "纳税人识别号", "credit code", "uscc"),
            max_length=30,
            help=_("18 characters with a correct check character."),
        ),
        F(
            "licence_no",
            _("Business licence number"),
            ("营业执照号", "营业执照注册号", "执照号", "注册号", "licence no", "license no", "business licence"),
            max_length=50,
        ),
        F(
            "legal_representative",
            _("Legal representative"),
            ("法人", "法人代表", "法定代表人", "legal representative"),
            max_length=50,
        ),
        F(
            "registered_capital",
            _("Registered capital (10k CNY)"),
            ("注册资本", "注册资金", "注册资本(万元)", "registered capital"),
            kind=r.DECIMAL,
            max_digits=14,
            decimal_places=2,
            help=_("In 10,000 CNY (万元)."),
        ),
        F(
            "annual_revenue",
            _("Annual revenue (10k CNY)"),
            ("年营业额", "年营业额(万元)", "年收入", "营业额", "年销售额", "annual revenue", "revenue"),
            kind=r.DECIMAL,
            max_digits=14,
            decimal_places=2,
            help=_("In 10,000 CNY (万元)."),
        ),
        F("bank", _("Bank"), ("开户银行", "开户行", "银行", "bank"), max_length=100),
        F(
            "bank_account",
            _("Bank account"),
            ("银行账号", "账号", "银行帐号", "bank account", "account no"),
            max_length=50,
        ),
        F("local_tax_no", _("Local tax registration number"), ("地税登记号", "地税号", "local tax no"), max_length=50),
        F(
            "national_tax_no",
            _("National tax registration number"),
            ("国税登记号", "国税号", "national tax no"),
            max_length=50,
        ),
        F(
            "notes",
            _("Notes"),
            ("备注", "说明", "备注信息", "notes", "note", "remark", "remarks", "comment"),
            max_length=5000,
        ),
    ]


def custom_field_specs(resource: str) -> list[r.FieldSpec]:
    return [
        F(
            f"custom.{definition.key}",
            definition.label,
            (definition.key, definition.label),
            kind=r.CUSTOM,
            required=definition.required,
            help=definition.help_text,
            custom=definition,
        )
        for definition in definitions(resource)
    ]


@dataclass
class Draft:
    """The customer a row would create, worked out while reading (CustomerImport.clean)."""

    customer: Customer
    problems: list  # (field, message): refused when the row is to be created
    syllables: list
    tokens: list  # its search tokens but for its number (indexing.finish_tokens adds it)
    keys: list  # its own duplicate keys: (kind, value)
    changes: dict  # its audit entry but for its number


@dataclass(slots=True)
class Seen:
    """An earlier row of the file with a key: its row number, and its record once written
    (then it no longer holds the row: CustomerImport.committed)."""

    number: int
    row: r.Row | None = None  # a row of the current batch, not yet written
    pk: int | None = None

    @property
    def record_id(self) -> int | None:
        return self.pk if self.pk is not None else (self.row.record_id if self.row is not None else None)


class CustomerImport(r.ImportType):
    code = "customers"
    label = gettext_lazy("Customers")
    resource = CUSTOMER

    def fields(self) -> list[r.FieldSpec]:
        return [*_builtin_fields(), *custom_field_specs("customer")]

    def check_access(self, access) -> None:
        access.require(f"{CUSTOMER}.import")

    def example(self, actor) -> dict:
        return {"manager": actor.username}

    # --- the run ---------------------------------------------------------------------------------
    def begin(self, ctx: r.Context) -> None:
        ctx.lookups = Lookups(users=assignable_managers(ctx.actor))
        rules = duplicates.Rules.load()
        modes = {str(kind): rules.mode(rule) for kind, rule in _KEY_RULE.items()}
        ctx.state.update(
            modes=modes,
            active_kinds={kind for kind, mode in modes.items() if mode != DuplicateMode.OFF},
            enforced=indexing.blocked_key_kinds(),
            definitions=definitions("customer"),
            may_manage=ctx.access.can(f"{CUSTOMER}.manage"),
        )
        if ctx.mapped & {"region", "province", "city"}:  # places in 地区, the sales region of a province
            ctx.lookups.provinces()
            ctx.lookups.items(categories.REGION)

    def validate(self, ctx: r.Context, row: r.Row) -> None:
        values = row.values
        code = values.get("credit_code")
        if code:
            values["credit_code"] = normalise.credit_code_key(code)
            if not normalise.is_valid_credit_code(values["credit_code"]):
                row.fail(
                    "credit_code",
                    _("This is not a valid unified social credit code (18 characters with a correct check character)."),
                )
        postcode = values.get("postcode")
        if postcode and not (postcode.isdigit() and len(postcode) == 6):
            row.fail("postcode", _("A postcode has six digits."))
        place = row.extra.get("place")  # 地区 named a province or cities (clean)
        if place is not None:
            key, places = ("province", [place]) if isinstance(place, Region) else ("city", place)
            given = values.setdefault(key, place)
            if {p.code for p in places}.isdisjoint(p.code for p in (given if key == "city" else [given])):
                row.fail("region", _("It does not match the row's province or city."))
        if "city" in values:
            cities = values["city"]
            province = values.get("province")
            if province is not None:
                inside = [city for city in cities if city.parent_id == province.code]
                if not inside:
                    row.fail("city", _("The city is not in the selected province."))
                else:
                    values["city"] = inside[0]
            elif len(cities) == 1:
                values["city"] = cities[0]
                values["province"] = cities[0].parent
            else:
                row.fail("city", _("Several provinces have a city of this name: add the province."))
        if "region" not in values and values.get("province") and "region" in ctx.fields:
            region = ctx.lookups.sales_region(values["province"])
            if region is not None:
                values["region"] = region

    def clean(self, ctx: r.Context, rows: list[r.Row]) -> None:
        """Besides converting: the name's key and pinyin, the row's duplicate keys, and a draft
        of the customer it would create. All of it needs no database: it runs a row at a time in
        the pauses of the batch before (crm.imports.reading)."""
        for row in rows:  # 地区 holding a province or city rather than a sales region (浙江, 宁波市)
            text = str(row.cells.get("region") or "").strip()
            if text and fold(text) not in ctx.lookups.items(categories.REGION):
                row.extra["place"] = ctx.lookups.place(text)
                if row.extra["place"] is None:
                    options = "、".join(ctx.lookups.active_entries(categories.REGION))
                    message = _(
                        "“%(value)s” is neither a region of the dictionary (%(options)s) "
                        "nor a province or city of China."
                    )
                    row.fail("region", message % {"value": text, "options": options})
                del row.cells["region"]
        super().clean(ctx, rows)
        for row in rows:
            if not row.ok:
                continue
            name = row.values.get("name")
            if not name:
                row.extra["name"] = ("", "", "", [])  # no name: only an update by number can use the row
            else:
                holder = SimpleNamespace(name=name)
                syllables = indexing.derive_name(holder)
                row.extra["name"] = (holder.name_key, holder.name_pinyin, holder.name_initials, syllables)
                if not holder.name_key:
                    row.fail("name", _("Enter the company's name, not only a legal form such as 有限公司."))
                    continue
                row.extra["draft"] = self._draft(ctx, row)
            row.extra["keys"] = self._keys(ctx, row)

    # --- deciding --------------------------------------------------------------------------------
    def _keys(self, ctx: r.Context, row: r.Row) -> list[tuple[str, str]]:
        active = ctx.state["active_kinds"]
        values = row.values
        keys = []
        if "name" in active and row.extra["name"][0]:
            keys.append(("name", row.extra["name"][0][:120]))
        for kind, field, function in _KEY_FUNCTIONS:
            if kind in active and values.get(field):
                value = function(values[field])
                if value:
                    keys.append((kind, value[:120]))
        return keys

    def _mode(self, ctx: r.Context, reasons) -> str:
        modes = [DuplicateMode.BLOCK if reason == IDENTITY else ctx.state["modes"].get(reason) for reason in reasons]
        return max((m for m in modes if m), key=_MODE_ORDER.index, default=DuplicateMode.OFF)

    def write(self, ctx: r.Context, rows: list[r.Row]) -> None:
        valid = [row for row in rows if row.ok]
        numbers = {row.values["number"] for row in valid if row.values.get("number")}
        externals = {row.values["external_id"] for row in valid if row.values.get("external_id")}
        by_number = dict(Customer.objects.filter(number__in=numbers).values_list("number", "pk")) if numbers else {}
        by_external = (
            dict(Customer.objects.filter(external_id__in=externals).values_list("external_id", "pk"))
            if externals
            else {}
        )
        wanted: dict[str, set] = {}
        for row in valid:
            for kind, value in row.extra["keys"]:
                wanted.setdefault(kind, set()).add(value)
        holders = key_holders(wanted)
        for row in valid:
            self._match(ctx, row, by_number, by_external, holders)
        known = {pk for row in valid for pk in row.extra["candidates"]}
        customers = (
            Customer.objects.select_related("manager", "manager__department").in_bulk(sorted(known)) if known else {}
        )
        visible = (
            set(customer_queryset(ctx.actor).filter(pk__in=sorted(known)).values_list("pk", flat=True))
            if known
            else set()
        )
        targets = set()
        for row in valid:
            self._match_file(ctx, row)
            self._decide(ctx, row, customers, visible)
            if row.outcome == r.UPDATED and row.extra.get("target"):
                targets.add(row.extra["target"])
        editable = (
            set(
                ctx.access.scoped(CUSTOMER, Customer.objects.filter(pk__in=sorted(targets)), action="edit").values_list(
                    "pk", flat=True
                )
            )
            if targets
            else set()
        )
        creates = [row for row in valid if row.outcome == r.CREATED]
        updates = [row for row in valid if row.outcome == r.UPDATED and row.extra.get("target")]
        for row in updates:
            target = row.extra["target"]
            if target not in editable:
                match = self._describe(customers.get(target), [IDENTITY], target in visible)
                self._reject(ctx, row, _("You may not edit this customer: %(match)s") % {"match": match})
        built = [(row, self._build(ctx, row)) for row in creates]
        built = [(row, customer) for row, customer in built if customer is not None]
        locked = {}
        updates = [row for row in updates if row.outcome == r.UPDATED]
        if updates:
            queryset = Customer.objects.filter(pk__in=sorted({row.extra["target"] for row in updates}))
            locked = (queryset if ctx.dry_run else queryset.select_for_update()).in_bulk()
        changed = [(row, change) for row in updates if (change := self._apply(ctx, row, locked)) is not None]
        if ctx.dry_run:
            return
        self._insert(ctx, built)
        for row in valid:
            merged = row.extra.get("merged_into")
            if merged is not None and row.outcome == r.UPDATED:
                row.record_id = merged.record_id
                row.extra["target_number"] = merged.extra.get("target_number")
        self._save_updates(ctx, changed)

    def _match(self, ctx, row: r.Row, by_number: dict, by_external: dict, holders: dict) -> None:
        """The records in the database this row may duplicate, with the reasons."""
        values = row.values
        target = None
        if values.get("number"):
            target = by_number.get(values["number"])
            if target is None:
                row.fail("number", _("There is no customer with the number %(number)s.") % {"number": values["number"]})
        elif values.get("external_id"):
            target = by_external.get(values["external_id"])
        candidates: dict[int, list[str]] = {}
        if target is not None:
            candidates[target] = [IDENTITY]
        for kind, value in row.extra["keys"]:
            for customer_id in holders.get((kind, value), ()):
                reasons = candidates.setdefault(customer_id, [])
                if kind not in reasons:
                    reasons.append(kind)
        row.extra.update(target=target, candidates=candidates, earlier={})

    def _match_file(self, ctx, row: r.Row) -> None:
        """The earlier rows of the file (this batch's included) this row may duplicate."""
        candidates = row.extra["candidates"]
        earlier: dict[int, tuple[Seen, list[str]]] = {}
        for kind, value in self._seen_keys(row):
            seen = ctx.seen.get((kind, value))
            if seen is None or seen.number == row.number:
                continue
            record = seen.record_id
            if record is not None and record in candidates:
                continue  # the earlier row's record is in the database: matched there
            reasons = earlier.setdefault(seen.number, (seen, []))[1]
            reason = IDENTITY if kind == "external_id" else kind
            if reason not in reasons:
                reasons.append(reason)
        row.extra["earlier"] = earlier

    def _describe(self, customer, reasons, is_visible: bool) -> str:
        if customer is None:
            return ""
        rules = [_KEY_RULE.get(reason, reason) for reason in reasons if reason != IDENTITY]
        match = duplicates.Match(customer=customer, reasons=rules or ["number"], visible=is_visible)
        if rules:
            return duplicates.describe_match(match)
        name = customer.name if is_visible else mask_value(customer.name, "text")
        return f"{customer.number if is_visible else ''} {name}".strip()

    def _match_list(self, ctx, row, customers, visible) -> list[dict]:
        details = []
        for customer_id, reasons in row.extra["candidates"].items():
            customer = customers.get(customer_id)
            if customer is None:
                continue
            rules = [_KEY_RULE.get(reason, reason) for reason in reasons if reason != IDENTITY]
            match = duplicates.Match(customer=customer, reasons=rules, visible=customer_id in visible)
            entry = duplicates.match_details(match, actor=ctx.actor)
            entry.pop("transfer_token", None)
            entry["mode"] = self._mode(ctx, reasons)
            entry["reason_text"] = entry["reason_text"] or _("same number")
            details.append(entry)
        for number, (_seen, reasons) in sorted(row.extra["earlier"].items()):
            rules = [_KEY_RULE.get(reason, reason) for reason in reasons if reason != IDENTITY]
            details.append(
                {
                    "row": number,
                    "reason_text": "、".join(duplicates.reason_text(rule) for rule in rules) or _("same external ID"),
                    "mode": self._mode(ctx, reasons),
                }
            )
        return details

    def _summary(self, ctx, row, customers, visible) -> str:
        parts = []
        for customer_id, reasons in row.extra["candidates"].items():
            parts.append(self._describe(customers.get(customer_id), reasons, customer_id in visible))
        for number, (_seen, reasons) in sorted(row.extra["earlier"].items()):
            rules = [_KEY_RULE.get(reason, reason) for reason in reasons if reason != IDENTITY]
            parts.append(
                _("row %(row)d of this file (%(reasons)s)")
                % {
                    "row": number,
                    "reasons": "、".join(duplicates.reason_text(rule) for rule in rules) or _("same external ID"),
                }
            )
        return "；".join(part for part in parts if part)

    def _reject(self, ctx, row: r.Row, message: str, key: str = "") -> None:
        row.outcome = r.REJECTED
        row.fail(key, message)
        self._forget(ctx, row)

    def _forget(self, ctx, row: r.Row) -> None:
        """A row remembered for in-file duplicates and then refused is no earlier row after all."""
        entry = row.extra.pop("seen", None)
        if entry is None:
            return
        for key in self._seen_keys(row):
            if ctx.seen.get(key) is entry:
                del ctx.seen[key]

    def _decide(self, ctx, row: r.Row, customers: dict, visible: set) -> None:
        if not row.ok:
            row.outcome = r.REJECTED
            return
        policy = row.policy or ctx.policy
        candidates = row.extra["candidates"]
        earlier = row.extra["earlier"]
        target = row.extra["target"]
        if not candidates and not earlier:
            row.outcome = r.CREATED
            self._remember(ctx, row)
            return
        reasons = [reason for found in candidates.values() for reason in found]
        reasons += [reason for _seen, found in earlier.values() for reason in found]
        blocking = self._mode(ctx, reasons) == DuplicateMode.BLOCK
        summary = self._summary(ctx, row, customers, visible)
        if policy == "ask":
            row.outcome = r.WAITING
            row.matches = self._match_list(ctx, row, customers, visible)
            row.message = _("Possible duplicate of %(matches)s") % {"matches": summary}
            return
        if policy == "skip":
            row.outcome = r.SKIPPED
            row.message = _("Skipped, already there: %(matches)s") % {"matches": summary}
            return
        if policy == "create":
            if target is not None:
                self._reject(
                    ctx,
                    row,
                    _("Not created: %(matches)s has this number or external ID already. Choose “update” to change it.")
                    % {"matches": summary},
                )
                return
            if blocking:
                self._reject(
                    ctx,
                    row,
                    _("Not created: %(matches)s. A duplicate rule set to “block” forbids a second record.")
                    % {"matches": summary},
                )
                return
            row.outcome = r.CREATED
            self._remember(ctx, row)
            return
        # update
        records = set(candidates)
        pending = [seen for seen, _found in earlier.values() if seen.record_id is None]
        records |= {seen.record_id for seen, _found in earlier.values() if seen.record_id is not None}
        if target is not None:
            records = {target}
            pending = []
        if len(records) + len(pending) > 1:
            self._reject(
                ctx,
                row,
                _("Matches several records: %(matches)s. Add their customer number to choose one.")
                % {"matches": summary},
            )
            return
        if target is not None and self._key_conflict(ctx, row, target):
            self._reject(
                ctx,
                row,
                _("Not updated: %(matches)s. A duplicate rule set to “block” forbids it.") % {"matches": summary},
            )
            return
        row.outcome = r.UPDATED
        if records:
            row.extra["target"] = records.pop()
            self._remember(ctx, row, pk=row.extra["target"])
        else:
            earlier_row = pending[0].row
            row.extra["target"] = None
            row.extra["merged_into"] = earlier_row
            if earlier_row is not None:
                self._merge(ctx, earlier_row, row)

    def _key_conflict(self, ctx, row: r.Row, target: int) -> bool:
        """Would the row's keys duplicate another customer under a blocking rule?"""
        for customer_id, reasons in row.extra["candidates"].items():
            if customer_id != target and self._mode(ctx, reasons) == DuplicateMode.BLOCK:
                return True
        return False

    def _seen_keys(self, row: r.Row) -> list[tuple[str, str]]:
        keys = list(row.extra["keys"])
        if row.values.get("external_id"):
            keys.append(("external_id", row.values["external_id"]))
        return keys

    def _remember(self, ctx, row: r.Row, pk: int | None = None) -> None:
        entry = Seen(number=row.number, row=None if pk else row, pk=pk)
        if not pk:
            row.extra["seen"] = entry
        for key in self._seen_keys(row):
            ctx.seen.setdefault(key, entry)

    def committed(self, ctx: r.Context, rows: list[r.Row]) -> None:
        """The batch is written: its rows are remembered by record id only, not held in memory."""
        for row in rows:
            entry = row.extra.pop("seen", None)
            if entry is not None and entry.row is row:
                entry.pk, entry.row = row.record_id, None

    def _merge(self, ctx, earlier: r.Row, later: r.Row) -> None:
        """A later row of the file updates a customer an earlier row of the same batch creates."""
        for key, value in later.values.items():
            if key not in ("number", "external_id"):
                earlier.values[key] = value
        if later.values.get("name") and later.extra["name"] != earlier.extra["name"]:
            earlier.extra["name"] = later.extra["name"]
        earlier.extra.pop("draft", None)  # drafted from the values before: made again when written

    # --- writing ---------------------------------------------------------------------------------
    def _draft(self, ctx, row: r.Row) -> "Draft":
        """The customer the row would create, built from its values and the import's defaults,
        with what is wrong with it; everything but its number."""
        values = {**{k: v for k, v in ctx.defaults.items() if k in ctx.fields}, **row.values}
        problems = [
            (key, _("This field is required."))
            for key, spec in ctx.fields.items()
            if spec.required and values.get(key) in (None, "") and key != "manager"
        ]
        manager = values.pop("manager", None) or ctx.actor
        customer = new_row(Customer, manager=manager, created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None)
        custom = {}
        for key, value in values.items():
            if key.startswith("custom."):
                custom[key[7:]] = value
            elif key != "number":
                setattr(customer, key, value)
        try:
            customer.custom = clean_custom_values("customer", custom, defs=ctx.state["definitions"])
        except ValidationFailed as exc:
            problems += [(key, message) for key, messages in exc.fields.items() for message in messages]
        name_key, pinyin, initials, syllables = row.extra["name"]
        customer.name_key, customer.name_pinyin, customer.name_initials = name_key[:100], pinyin[:200], initials[:100]
        # Customer.clean() and clean_fields() are not run for new customers: every check they make
        # (phones, e-mail, credit code, postcode, city in province, lengths, 1–5 ratings, a name that
        # is more than a legal form) is made by the converters and above, and clean() would compute
        # the name key a second time (≈0.1 ms per row). Updates run them (below, in _apply).
        return Draft(
            customer=customer,
            problems=problems,
            syllables=syllables,
            tokens=indexing.draft_tokens(customer, syllables),
            keys=indexing.own_key_values(customer),
            changes=_created(customer, AUDIT_FIELDS),
        )

    def _build(self, ctx, row: r.Row) -> "Draft | None":
        """The row's draft, to be created; None when the row is refused."""
        draft = row.extra.get("draft")
        if draft is None or draft.customer.pk is not None:  # merged into, or tried in a refused batch
            draft = row.extra["draft"] = self._draft(ctx, row)
        for key, message in draft.problems:
            row.fail(key, message)
        row.extra["syllables"] = draft.syllables
        if not row.ok:
            row.outcome = r.REJECTED
            self._forget(ctx, row)
            return None
        return draft

    def _apply(self, ctx, row: r.Row, locked: dict):
        """Lay the row's values over its customer; the changes, or None when rejected."""
        customer = locked.get(row.extra["target"])
        if customer is None:
            self._reject(ctx, row, _("The customer no longer exists."))
            return None
        if customer.status != CustomerStatus.NORMAL and not ctx.state["may_manage"]:
            self._reject(
                ctx,
                row,
                _("Only customers in status normal can be edited; this one is “%(status)s”.")
                % {"status": customer.get_status_display()},
            )
            return None
        before = {field.attname: getattr(customer, field.attname) for field in Customer._meta.concrete_fields}
        custom = {}
        for key, value in row.values.items():
            if key.startswith("custom."):
                custom[key[7:]] = value
            elif key not in ("number", "external_id", "manager"):
                setattr(customer, key, value)
        if custom:
            try:
                customer.custom = clean_custom_values(
                    "customer", custom, current=customer.custom, defs=ctx.state["definitions"]
                )
            except ValidationFailed as exc:
                for key, messages in exc.fields.items():
                    for message in messages:
                        row.fail(key, message)
        if customer.name != before["name"]:
            customer.name_key, customer.name_pinyin, customer.name_initials = (
                row.extra["name"][0][:100],
                row.extra["name"][1][:200],
                row.extra["name"][2][:100],
            )
            row.extra["syllables"] = row.extra["name"][3]
        row.model_checks(customer, exclude=_CLEAN_EXCLUDE)
        if not row.ok:
            row.outcome = r.REJECTED
            for attname, value in before.items():
                setattr(customer, attname, value)
            return None
        row.record_id = customer.pk
        row.extra["target_number"] = customer.number
        changes = {}
        for field in Customer._meta.concrete_fields:
            after = getattr(customer, field.attname)
            if before[field.attname] != after and field.name in [
                *AUDIT_FIELDS,
                "name_key",
                "name_pinyin",
                "name_initials",
            ]:
                changes[field.name] = [before[field.attname], after]
        return customer, changes

    def _insert(self, ctx, built: list) -> None:
        if not built:
            return
        numbers = next_numbers(NUMBER_KEY, NUMBER_PREFIX, len(built))
        enforced = ctx.state["enforced"]
        drafts = {}
        for (_row, draft), number in zip(built, numbers, strict=True):
            draft.customer.number = number
            drafts[id(draft.customer)] = draft
        keys, audits = [], []

        spare = ctx.spare or (lambda: None)

        def finish(customer) -> None:  # while the database indexes the customers sent before
            spare()  # the next batch's reading, in the same pause
            draft = drafts[id(customer)]
            customer.search_tokens = indexing.finish_tokens(draft.tokens, customer.number)
            keys.extend((customer.pk, kind, value, kind in enforced) for kind, value in draft.keys)
            audits.append((customer.pk, customer.name, {"number": [None, customer.number], **draft.changes}))

        customers = insert_rows(Customer, [draft.customer for _row, draft in built], each=finish)
        for row, draft in built:
            row.record_id = draft.customer.pk
            row.extra["target_number"] = draft.customer.number
        insert_values(CustomerKey, ("customer_id", "kind", "value", "enforced"), keys)
        job = ctx.job
        events_record_bulk(
            customer_ids=[customer.pk for customer in customers],
            kind=EventKind.CREATED,
            actor=ctx.actor,
            summary=_source_summary(job),
            data={"import": job.pk if job else None},
        )
        audit_records_bulk(
            actor=ctx.actor, action=AuditAction.CREATE, model=Customer, rows=audits, message=_import_message(job)
        )

    def _save_updates(self, ctx, changed: list) -> None:
        changed = [(row, customer, changes) for row, (customer, changes) in changed if changes]
        if not changed:
            return
        now = timezone.now()
        fields: set[str] = {"updated_at"}
        rekey, retoken = [], []
        for row, customer, changes in changed:
            customer.updated_at = now
            fields |= set(changes)
            if {"name", "phone", "email", "credit_code"} & set(changes):
                rekey.append(customer)
            if {"name", "phone", "credit_code"} & set(changes):
                retoken.append((row, customer))
        if retoken:
            contacts: dict[int, list] = {}
            for contact in Contact.objects.filter(customer_id__in=[c.pk for _row, c in retoken]).only(
                "customer_id", "name", "mobile", "office_phone"
            ):
                contacts.setdefault(contact.customer_id, []).append(contact)
            for row, customer in retoken:
                customer.search_tokens = indexing.compute_tokens(
                    customer, contacts.get(customer.pk, []), row.extra.get("syllables")
                )
            fields.add("search_tokens")
        Customer.objects.bulk_update([customer for _row, customer, _changes in changed], sorted(fields), batch_size=500)
        if rekey:
            enforced = ctx.state["enforced"]
            CustomerKey.objects.filter(customer_id__in=[c.pk for c in rekey], contact__isnull=True).delete()
            CustomerKey.objects.bulk_create([k for c in rekey for k in indexing.own_keys(c, enforced)], batch_size=2000)
        job = ctx.job
        events_record_bulk(
            customer_ids=[customer.pk for _row, customer, _changes in changed],
            kind=EventKind.UPDATED,
            actor=ctx.actor,
            summary=_source_summary(job),
            data={"import": job.pk if job else None},
        )
        audit_records_bulk(
            actor=ctx.actor,
            action=AuditAction.UPDATE,
            model=Customer,
            rows=[
                (customer.pk, customer.name, {k: v for k, v in changes.items() if k not in _NO_AUDIT_ON_UPDATE})
                for _row, customer, changes in changed
            ],
            message=_import_message(job),
        )

    def display(self, ctx: r.Context, row: r.Row) -> dict:
        shown = super().display(ctx, row)
        if row.outcome == r.CREATED and "manager" not in shown:
            shown["manager"] = str(ctx.actor)
        return shown


def _created(instance, fields) -> dict:
    """A new record's audit changes: the values it was given (empty ones left out, to keep
    100,000 audit rows small)."""
    return {
        name: [None, value] for name, value in snapshot(instance, fields).items() if value not in (None, "", {}, [])
    }


def _source_summary(job) -> str:
    return (job.original_name if job else "")[:300]


def _import_message(job) -> str:
    return f"import {job.pk} {job.original_name}"[:500] if job else "import"


r.register(CustomerImport())


# --- export ----------------------------------------------------------------------------------------
_LIST_PATHS = {
    "level": "level.entry",
    "region": "region.entry",
    "source": "source.entry",
    "industry": "industry.entry",
    "manager": "manager",
    "status": "get_status_display",
}
_FULL_PATHS = {
    "manager": "manager",
    "region": "region.entry",
    "level": "level.entry",
    "province": "province.name",
    "city": "city.name",
    "customer_type": "customer_type.entry",
    "source": "source.entry",
    "industry": "industry.entry",
    "potential": "potential.entry",
    "stage": "stage.entry",
}
_RELATIONS = [
    "manager",
    "region",
    "level",
    "province",
    "city",
    "customer_type",
    "source",
    "industry",
    "potential",
    "stage",
]


def export_query(actor, params):
    """The customers of the list's query string (filters, conditions, sort), with its columns
    (`col`) or, without any, every column the import reads, so an export can be imported again."""
    from crm.customers import columns as column_specs
    from crm.customers.forms import CustomerFilterForm
    from crm.customers.selectors.customers import customer_list
    from crm.imports.exports import Column

    filters = CustomerFilterForm(params or None).filters()
    queryset = customer_list(user=actor, filters=filters, action="export").select_related(*_RELATIONS)
    requested = column_specs.requested_columns(params) if params is not None else []
    if requested:
        chosen = column_specs.chosen_columns(requested, access_for(actor).hidden_fields(CUSTOMER))
        return queryset, [Column(_LIST_PATHS.get(c.key, c.key), c.label) for c in chosen if c.key != "tags"]
    columns = [
        Column(_FULL_PATHS.get(spec.key, spec.key), spec.label)
        for spec in _builtin_fields()
        if spec.key != "external_id"
    ]
    columns.append(Column("external_id", gettext_lazy("External ID")))
    columns.append(Column("get_status_display", gettext_lazy("Status")))
    return queryset, columns


r.register_export(
    r.ExportSource(code="customers", label=gettext_lazy("Customers"), resource=CUSTOMER, query=export_query)
)
