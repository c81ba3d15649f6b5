"""Benchmarks of the writes a salesperson makes all day (issue 19): creating and editing a
customer, a contact and a follow-up, each through its service as the form and the API call it
(permission asked, validated, duplicate check, keys, search tokens, audit, timeline; committed).

Each call loads the user and the record as a request does. What the calls create is deleted and
what they change is put back after the operation's timing (`ctx.after`), so the benchmark data
stays as generated; created customers carry a `bench-` external id, so that even a run stopped
half-way leaves nothing `bench.generate` refuses to replace.
"""

import itertools
import uuid

from bench.registry import operation

WRITE_MS = 30
WRITERS = ("salesperson",)  # the executive role reads; it has no right to create or edit customers


def _write(key: str, label: str):
    return operation(key, label=label, group="writes", target_ms=WRITE_MS, personas=WRITERS)


def _admin():
    """Who puts the data back: the salesperson may not delete follow-ups, for one."""
    from crm.identity.models import User

    return User.objects.get(username="bench_admin")


def _mobile(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _editable_customers(ctx, persona, n=20) -> list[dict]:
    """Customers the persona manages in status normal (the ones it may edit; a customer shared
    with it may be read-only)."""
    from crm.customers.models import Customer

    rows = ctx.sample_customers(persona, n=n * 2, fields=("pk", "phone", "address"), include_pools=False)
    mine = Customer.objects.filter(pk__in=[r["pk"] for r in rows], manager_id=ctx.user_id(persona), status="normal")
    normal = set(mine.values_list("pk", flat=True))
    return [row for row in rows if row["pk"] in normal][:n]


# --- customers ----------------------------------------------------------------------------------------------
@_write("writes.customer.create", "Create a customer")
def customer_create(ctx, persona):
    from bench import words
    from crm.customers.models import Customer
    from crm.customers.services.customers import customer_create as create
    from crm.dictionary.models import DictionaryItem

    user_id, rng = ctx.user_id(persona), ctx.rng
    regions = list(DictionaryItem.objects.filter(category="region", is_active=True))
    level = DictionaryItem.objects.filter(category="customer_level").order_by("sort_order", "id").first()
    created: list[int] = []
    run = uuid.uuid4().hex[:8]
    numbers = itertools.count()

    def call():
        user = ctx.fresh_user(user_id)
        trade = "".join(rng.sample(words.TRADE_NAME_CHARS, 3))
        industry = rng.choice(words.INDUSTRY_WORDS)[0]
        data = {
            "name": f"{rng.choice(('上海', '杭州', '深圳', '成都'))}{trade}{industry}有限公司",
            "region": rng.choice(regions),
            "level": level,
            "satisfaction": 3,
            "credit": 3,
            "phone": _mobile(rng),
            "address": "人民路 1 号",
        }
        customer = create(
            actor=user, data=data, manager=user, confirm_duplicates=True, external_id=f"bench-w{run}-{next(numbers)}"
        )
        created.append(customer.pk)

    ctx.after(lambda: Customer.objects.filter(pk__in=created).delete())
    return [call]


def _edits(ctx, persona, originals: dict, edit, changed):
    """Calls editing each record of `originals` (pk -> the values it had) as the persona, with the
    values `changed()` gives: `edit(user, pk, data)` loads the record as the page does and saves it
    through the service. The administrator puts the original values back afterwards."""
    user_id = ctx.user_id(persona)

    def restore():
        admin = _admin()
        for pk, data in originals.items():
            edit(admin, pk, data)

    ctx.after(restore)
    return [lambda pk=pk: edit(ctx.fresh_user(user_id), pk, changed()) for pk in originals]


def _adds(ctx, persona, add, model, delete):
    """Calls adding a record to each of the persona's customers: `add(user, customer)` returns it;
    the administrator deletes what was added afterwards, through the service (`delete(actor, row)`)."""
    from crm.customers.selectors.customers import customer_get

    user_id = ctx.user_id(persona)
    created: list[int] = []

    def call(pk):
        user = ctx.fresh_user(user_id)
        created.append(add(user, customer_get(user=user, pk=pk)).pk)

    def remove():
        admin = _admin()
        for row in model.objects.filter(pk__in=created).select_related("customer"):
            delete(admin, row)

    ctx.after(remove)
    return [lambda pk=pk: call(pk) for pk in (row["pk"] for row in _editable_customers(ctx, persona))]


@_write("writes.customer.update", "Edit a customer (phone and address)")
def customer_update(ctx, persona):
    """A change of a duplicate key (the phone): the check, the keys rewritten, the tokens renewed."""
    from crm.customers.selectors.customers import customer_get
    from crm.customers.services.customers import customer_update as update

    rng = ctx.rng
    rows = _editable_customers(ctx, persona)
    originals = {row["pk"]: {"phone": row["phone"], "address": row["address"]} for row in rows}

    def edit(user, pk, data):
        update(actor=user, customer=customer_get(user=user, pk=pk), data=data, confirm_duplicates=True)

    def changed():
        return {"phone": _mobile(rng), "address": f"人民路 {rng.randrange(999)} 号"}

    return _edits(ctx, persona, originals, edit, changed)


# --- contacts -----------------------------------------------------------------------------------------------
@_write("writes.contact.create", "Add a contact")
def contact_create(ctx, persona):
    from crm.customers.models import Contact
    from crm.customers.services.contacts import contact_create as create
    from crm.customers.services.contacts import contact_delete

    rng = ctx.rng

    def add(user, customer):
        data = {"name": "王晓明", "gender": "male", "position": "采购经理", "mobile": _mobile(rng)}
        return create(actor=user, customer=customer, data={**data, "office_phone": "021-62345678"})

    return _adds(ctx, persona, add, Contact, lambda actor, contact: contact_delete(actor=actor, contact=contact))


@_write("writes.contact.update", "Edit a contact (mobile)")
def contact_update(ctx, persona):
    from crm.customers.models import Contact
    from crm.customers.selectors.related import contact_get
    from crm.customers.services.contacts import contact_update as update

    rng = ctx.rng
    customers = [row["pk"] for row in _editable_customers(ctx, persona)]
    primary = Contact.objects.filter(customer_id__in=customers, is_primary=True)
    originals = {pk: {"mobile": m, "position": p} for pk, m, p in primary.values_list("pk", "mobile", "position")}

    def edit(user, pk, data):
        update(actor=user, contact=contact_get(user=user, pk=pk), data=data)

    return _edits(ctx, persona, originals, edit, lambda: {"mobile": _mobile(rng), "position": "总监"})


# --- follow-ups ---------------------------------------------------------------------------------------------
@_write("writes.followup.create", "Record a follow-up")
def followup_create(ctx, persona):
    from crm.customers.models import FollowUp
    from crm.customers.services.activities import followup_create as create
    from crm.customers.services.activities import followup_delete
    from crm.dictionary.models import DictionaryItem

    method = DictionaryItem.objects.filter(category="followup_method").order_by("sort_order", "id").first()

    def add(user, customer):
        data = {"method": method, "content": "电话沟通报价，客户考虑中", "result": "待回复"}
        return create(actor=user, customer=customer, data=data)

    return _adds(ctx, persona, add, FollowUp, lambda actor, followup: followup_delete(actor=actor, followup=followup))


@_write("writes.followup.update", "Edit a follow-up")
def followup_update(ctx, persona):
    from crm.customers.models import FollowUp
    from crm.customers.selectors.related import followup_get
    from crm.customers.services.activities import followup_update as update

    rng = ctx.rng
    customers = [row["pk"] for row in _editable_customers(ctx, persona)]
    first = {}  # one follow-up per customer
    for pk, customer_id, content in FollowUp.objects.filter(customer_id__in=customers).values_list(
        "pk", "customer_id", "content"
    ):
        first.setdefault(customer_id, (pk, {"content": content}))

    def edit(user, pk, data):
        update(actor=user, followup=followup_get(user=user, pk=pk), data=data)

    return _edits(ctx, persona, dict(first.values()), edit, lambda: {"content": f"再次沟通 {rng.randrange(999)}"})
