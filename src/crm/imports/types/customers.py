"""Importing customers (IMP-1, CUS-1, CUS-8): the fields and the checks; the duplicate policy is
crm.imports.types.customer_duplicates, the writing the customers app's (crm.customers.services.bulk).

Each row's customer is drafted while it is read (clean: customer_draft, no query); the batch's
new customers are then created together (customers_create_bulk), its changed ones saved together
(customers_update_bulk).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import access_for
from crm.core.errors import ValidationFailed
from crm.customers import normalise
from crm.customers.custom_fields import definitions
from crm.customers.models import Customer
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.scope import assignable_managers
from crm.customers.services import bulk
from crm.dictionary import categories
from crm.dictionary.models import Region
from crm.imports import registry as r
from crm.imports.types.customer_duplicates import DuplicatePolicy
from crm.imports.values import Lookups, fold

F = r.FieldSpec


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
                "客户名称", "名称", "公司名称", "企业名称", "单位名称", "客户全称", "客户", "公司", "name", "company",
                "company name", "customer",
            ),
            required=True,
            max_length=100,
            example="上海华信科技有限公司",
        ),
        F(
            "manager",
            _("Account manager"),
            (
                "客户经理", "负责人", "销售", "业务员", "销售人员", "所属销售", "跟进人", "manager", "owner", "sales",
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
        F(
            "website",
            _("Website"),
            ("网址", "网站", "公司网站", "主页", "website", "url", "web"),
            kind=r.URL,
            max_length=200,
        ),
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


class CustomerImport(DuplicatePolicy, r.ImportType):
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
        ctx.state.update(
            **self.rules_state(),
            definitions=definitions("customer"),
            may_manage=ctx.access.can(f"{CUSTOMER}.manage"),
            origin=bulk.Origin(
                summary=(ctx.job.original_name if ctx.job else "")[:300],
                data={"import": ctx.job.pk if ctx.job else None},
                message=f"import {ctx.job.pk} {ctx.job.original_name}"[:500] if ctx.job else "import",
            ),
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
            row.extra["name_key"] = ""  # no name: only an update by number can use the row
            if row.values.get("name"):
                draft = row.extra["draft"] = self._draft(ctx, row)
                row.extra["name_key"] = draft.customer.name_key
                if not draft.customer.name_key:
                    row.fail("name", _("Enter the company's name, not only a legal form such as 有限公司."))
                    continue
            row.extra["keys"] = self._keys(ctx, row)

    # --- writing ---------------------------------------------------------------------------------
    def write(self, ctx: r.Context, rows: list[r.Row]) -> None:
        valid = [row for row in rows if row.ok]
        self.decide(ctx, valid)
        creates = [row for row in valid if row.outcome == r.CREATED]
        built = [(row, draft) for row in creates if (draft := self._build(ctx, row)) is not None]
        locked = {}
        updates = [row for row in valid if row.outcome == r.UPDATED and row.extra.get("target")]
        if updates:
            queryset = Customer.objects.filter(pk__in=sorted({row.extra["target"] for row in updates}))
            locked = (queryset if ctx.dry_run else queryset.select_for_update()).in_bulk()
        changed = [change for row in updates if (change := self._apply(ctx, row, locked)) is not None]
        if ctx.dry_run:
            return
        origin = ctx.state["origin"]
        bulk.customers_create_bulk(actor=ctx.actor, drafts=[draft for _row, draft in built], origin=origin)
        for row, draft in built:
            row.record_id, row.extra["target_number"] = draft.customer.pk, draft.customer.number
        for row in valid:
            merged = row.extra.get("merged_into")
            if merged is not None and row.outcome == r.UPDATED:
                row.record_id = merged.record_id
                row.extra["target_number"] = merged.extra.get("target_number")
        bulk.customers_update_bulk(actor=ctx.actor, changes=changed, origin=origin)

    def _draft(self, ctx, row: r.Row) -> bulk.Draft:
        """The customer the row would create (the import's defaults under the row's values), with
        what is wrong with it."""
        values = {**{k: v for k, v in ctx.defaults.items() if k in ctx.fields}, **row.values}
        values.pop("number", None)
        draft = bulk.customer_draft(actor=ctx.actor, values=values, definitions=ctx.state["definitions"])
        missing = [key for key, spec in ctx.fields.items() if spec.required and values.get(key) in (None, "")]
        draft.problems[:0] = [(key, _("This field is required.")) for key in missing if key != "manager"]
        return draft

    def _build(self, ctx, row: r.Row) -> bulk.Draft | None:
        """The row's draft, to be created; None when the row is refused."""
        draft = row.extra.get("draft")
        if draft is None or draft.customer.pk is not None:  # merged into, or tried in a refused batch
            draft = row.extra["draft"] = self._draft(ctx, row)
        for key, message in draft.problems:
            row.fail(key, message)
        if not row.ok:
            row.outcome = r.REJECTED
            self._forget(ctx, row)
            return None
        return draft

    def _apply(self, ctx, row: r.Row, locked: dict) -> bulk.Change | None:
        """The row's values laid over its customer; None when the row is refused."""
        customer = locked.get(row.extra["target"])
        if customer is None:
            self._reject(ctx, row, _("The customer no longer exists."))
            return None
        change = bulk.customer_change(
            customer=customer,
            values=row.values,
            may_manage=ctx.state["may_manage"],
            definitions=ctx.state["definitions"],
        )
        for key, message in change.problems:
            row.fail(key, message)
        if not row.ok:
            row.outcome = r.REJECTED
            return None
        row.record_id = customer.pk
        row.extra["target_number"] = customer.number
        return change

    def display(self, ctx: r.Context, row: r.Row) -> dict:
        shown = super().display(ctx, row)
        if row.outcome == r.CREATED and "manager" not in shown:
            shown["manager"] = str(ctx.actor)
        return shown


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
_FULL_PATHS = {  # every relation of the full export, selected with its rows
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


def export_query(actor, params):
    """The customers of the list's query string (filters, conditions, sort), with its columns
    (`col`) or, without any, every column the import reads, so an export can be imported again."""
    from crm.customers import columns as column_specs
    from crm.customers.forms import CustomerFilterForm
    from crm.customers.selectors.customers import customer_list
    from crm.imports.exports import Column

    form = CustomerFilterForm(params or None)
    filters = form.filters()
    refused = form.non_field_errors()  # a filter it cannot apply: nothing, and why (not the whole scope)
    if refused:
        raise ValidationFailed(" ".join(refused))
    queryset = customer_list(user=actor, filters=filters, action="export").select_related(*_FULL_PATHS)
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
