"""The rows of the benchmark data, built block by block in worker processes.

Everything is derived from the seed and the record's number, so a block can be built on any
core in any order and gives the same rows: a customer's own traits come from a random generator
seeded by (seed, customer id), which also lets a deliberate duplicate look up the customer it
copies. The derived columns (name key, pinyin, initials, search tokens) and the duplicate keys
are computed by the project's own code (crm.customers.services.indexing), as a create would.

Rows come out already encoded for the target database: COPY text for PostgreSQL, tuples for
SQLite (crm.customers tables only; bench.generate writes them).
"""

import datetime
import json
import random
import time
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from bench import words
from crm.core.numbering import format_number
from crm.customers import normalise
from crm.customers.models import Contact, Customer
from crm.customers.services import indexing
from crm.customers.services.customers import NUMBER_PREFIX
from crm.customers.tokens import pinyin_syllables

DAY = 86400
EXTERNAL_PREFIX = "bench-"  # external_id of every generated customer: marks benchmark data
DUPLICATE_SHARE = 0.02  # customers entered a second time (another way of writing the same company)
POOL_SHARE = 0.05  # customers in the public pool
TAGGED_SHARE = 0.3
SHARED_SHARE = 0.01
INTERACTION_SHARE = 0.5
HISTORY_YEARS = 5

# Columns written per table, in order (ids of contacts and follow-ups are given: other rows
# point at them; the other tables' ids come from the database).
COLUMNS = {
    "customers_customer": [
        "id",
        "created_at",
        "updated_at",
        "number",
        "external_id",
        "name",
        "satisfaction",
        "credit",
        "address",
        "postcode",
        "phone",
        "fax",
        "email",
        "website",
        "credit_code",
        "licence_no",
        "legal_representative",
        "registered_capital",
        "annual_revenue",
        "bank",
        "bank_account",
        "local_tax_no",
        "national_tax_no",
        "status",
        "notes",
        "custom",
        "pooled_at",
        "pool_warned_at",
        "owned_since",
        "last_followup_at",
        "next_followup_on",
        "last_deal_on",
        "name_key",
        "name_pinyin",
        "name_initials",
        "search_tokens",
        "city_id",
        "created_by_id",
        "customer_type_id",
        "industry_id",
        "level_id",
        "manager_id",
        "potential_id",
        "previous_manager_id",
        "province_id",
        "region_id",
        "source_id",
        "stage_id",
        "pool_id",
    ],
    "customers_contact": [
        "id",
        "created_at",
        "updated_at",
        "name",
        "gender",
        "position",
        "office_phone",
        "mobile",
        "email",
        "birthday",
        "is_primary",
        "notes",
        "custom",
        "created_by_id",
        "customer_id",
    ],
    "customers_customerkey": ["kind", "value", "enforced", "contact_id", "customer_id"],
    "customers_customer_tags": ["customer_id", "tag_id"],
    "customers_followup": [
        "id",
        "content",
        "result",
        "followed_at",
        "next_followup_on",
        "created_at",
        "contact_id",
        "created_by_id",
        "customer_id",
        "method_id",
    ],
    "customers_customerevent": ["kind", "summary", "data", "created_at", "actor_id", "customer_id"],
    "customers_interaction": [
        "created_at",
        "updated_at",
        "occurred_on",
        "place",
        "summary",
        "detail",
        "notes",
        "created_by_id",
        "customer_id",
    ],
    "access_share": ["resource", "object_id", "can_edit", "created_at", "created_by_id", "user_id"],
}
# Load order: a table's rows may point at the tables before it.
TABLES = list(COLUMNS)


@dataclass
class City:
    code: str
    province: str
    name: str  # 上海, 深圳 (without 市)
    full_name: str  # 上海市, 大理白族自治州
    province_short: str  # 广东
    area_code: str
    region: str  # the "region" picklist value


@dataclass
class Plan:
    """Everything a worker needs to build any block; made once by bench.generate, inherited on fork."""

    seed: int
    customers: int
    contacts: int
    followups: int
    block_size: int
    anchor: int  # "now" of the data set, as a UNIX time
    vendor: str  # "postgresql" or "sqlite"
    managers: list[int]  # users who own customers
    manager_weights: list[float]
    colleagues: dict[int, list[int]]  # manager -> the managers of the same team (shares)
    pool_id: int
    dictionary: dict[str, dict[str, int]]  # category -> value -> item id
    method_entries: dict[int, str]  # follow-up method item id -> entry (电话 …)
    tags: list[int]
    cities: list[City]
    city_weights: list[float]
    trade_names: list[str]
    enforced_kinds: set[str] = field(default_factory=set)

    @property
    def blocks(self) -> int:
        return (self.customers + self.block_size - 1) // self.block_size

    def block_range(self, block: int) -> range:
        start = block * self.block_size + 1
        return range(start, min(self.customers, start + self.block_size - 1) + 1)

    def contact_offset(self, first_customer: int) -> int:
        """Contacts of customers before this one (contact ids are 1 + this within a block)."""
        return (self.contacts * (first_customer - 1)) // self.customers

    def followup_offset(self, first_customer: int) -> int:
        return (self.followups * (first_customer - 1)) // self.customers


# --- encoding ---------------------------------------------------------------------------------------------
class PgEncoder:
    """COPY text format. Generated text never holds tabs, newlines or backslashes (checked per block)."""

    null = "\\N"
    true, false = "t", "f"

    @staticmethod
    def ts(value: int) -> str:
        t = time.gmtime(value)
        return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}+00"

    @staticmethod
    def json(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def finish(self, table: str, rows: list) -> bytes:
        null = self.null
        lines = "\n".join("\t".join(null if v is None else str(v) for v in row) for row in rows)
        data = (lines + "\n").encode() if rows else b""
        width = len(COLUMNS[table])
        if data.count(b"\n") != len(rows) or data.count(b"\t") != len(rows) * (width - 1):
            raise ValueError(f"{table}: generated text holds a tab or a newline")
        if data.count(b"\\") != data.count(b"\\N"):
            raise ValueError(f"{table}: generated text holds a backslash")
        return data


class SqliteEncoder:
    """Values as Django stores them in SQLite: UTC datetimes as text, booleans as 0/1, JSON as text."""

    null = None
    true, false = 1, 0

    @staticmethod
    def ts(value: int) -> str:
        t = time.gmtime(value)
        return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"

    @staticmethod
    def json(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def finish(self, table: str, rows: list) -> list:
        return rows


def encoder(vendor: str):
    return PgEncoder() if vendor == "postgresql" else SqliteEncoder()


# --- names, phones, codes ---------------------------------------------------------------------------------
def weighted(pairs):
    """(values, cumulative weights) of (value, weight) pairs, for random.choices."""
    values = [p[0] for p in pairs]
    return values, list(accumulate(p[-1] for p in pairs))


_INDUSTRIES, _INDUSTRY_CUM = weighted([(w[0], w[2]) for w in words.INDUSTRY_WORDS])
INDUSTRY_VALUE = {w[0]: w[1] for w in words.INDUSTRY_WORDS}
_FORMS, _FORM_CUM = weighted(words.LEGAL_FORMS)
_SURNAMES, _SURNAME_CUM = weighted(words.SURNAMES)
_POSITIONS, _POSITION_CUM = weighted(words.POSITIONS)
_DOMAINS, _DOMAIN_CUM = weighted(words.EMAIL_DOMAINS)
_TEXTS, _TEXT_CUM = weighted(words.FOLLOWUP_TEXTS)
_RESULTS, _RESULT_CUM = weighted(words.FOLLOWUP_RESULTS)
_METHODS, _METHOD_CUM = weighted(words.FOLLOWUP_METHODS)
_CHARS = "".join(dict.fromkeys(words.TRADE_NAME_CHARS))


def trade_names_for(customers: int) -> list[str]:
    """Enough trade names for distinct names: about 15 customers per trade name, at least 3,000."""
    return trade_names(min(TRADE_NAMES, max(3_000, customers // 15)))


TRADE_NAMES = 60_000


@cache
def trade_names(limit: int = TRADE_NAMES) -> list[str]:
    """Trade names (字号): pairs of distinct characters (spread over all pairs when fewer are
    wanted), then triples, in a fixed order.

    Names that the duplicate check would shorten (one starting with a place name) are left out,
    so each (trade name, industry word) pair gives a distinct name key."""
    chars = _CHARS
    names = [a + b for a in chars for b in chars if a != b]
    if limit < len(names):
        step = len(names) / limit
        return _usable([names[int(i * step)] for i in range(limit)])
    rng = random.Random(7)
    while len(names) < limit:
        a, b, c = rng.sample(chars, 3)
        names.append(a + b + c)
    return _usable(list(dict.fromkeys(names))[:limit])


def _usable(names: list[str]) -> list[str]:
    return [n for n in names if normalise.name_key(n + "网络科技") == n + "网络科技"]


def person_name(rng: random.Random) -> tuple[str, str]:
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
    gender = "male" if rng.random() < 0.55 else "female"
    chars = words.GIVEN_NAME_CHARS_MALE if gender == "male" else words.GIVEN_NAME_CHARS_FEMALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return surname + given, gender


def mobile(rng: random.Random) -> str:
    return rng.choice(words.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, city: City) -> str:
    digits = 8 if len(city.area_code) == 3 or rng.random() < 0.7 else 7
    first = str(rng.randrange(2, 9))
    return city.area_code + first + "".join(str(rng.randrange(10)) for _ in range(digits - 1))


def credit_code(customer_id: int, city: City) -> str:
    """A valid 统一社会信用代码, unique per customer: 91 + region code + 9 characters + check."""
    chars = normalise.CREDIT_CODE_CHARS
    value = (customer_id * 2_654_435_761 + 12_345) % (31**9)
    body = ""
    for _ in range(9):
        value, rest = divmod(value, 31)
        body = chars[rest] + body
    first17 = "91" + city.code + body
    return first17 + normalise.credit_code_check_char(first17)


@dataclass
class Core:
    """What identifies a company: kept by a duplicate entry of the same company."""

    trade_name: str
    industry: str
    city: City
    form: str
    style: int  # how the name is written (region first, region in brackets, none)
    phone: str  # digits


def core(plan: Plan, customer_id: int) -> Core:
    rng = random.Random(plan.seed * 1_000_003 + customer_id)
    combos = len(plan.trade_names) * len(_INDUSTRIES)
    # A bijection of the ids onto (trade name, industry word): names are distinct by construction.
    index = (customer_id * 1_000_003) % combos
    trade = plan.trade_names[index // len(_INDUSTRIES)]
    industry = _INDUSTRIES[index % len(_INDUSTRIES)]
    city = rng.choices(plan.cities, cum_weights=plan.city_weights)[0]
    form = rng.choices(_FORMS, cum_weights=_FORM_CUM)[0]
    style = rng.choices((0, 1, 2, 3), cum_weights=(70, 85, 95, 100))[0]
    roll = rng.random()
    phone = landline(rng, city) if roll < 0.65 else (mobile(rng) if roll < 0.95 else f"400{rng.randrange(10**7):07d}")
    return Core(trade, industry, city, form, style, phone)


def company_name(c: Core) -> str:
    if c.style == 0:
        return f"{c.city.name}{c.trade_name}{c.industry}{c.form}"
    if c.style == 1:
        return f"{c.trade_name}{c.industry}（{c.city.name}）{c.form}"
    if c.style == 2:
        return f"{c.city.province_short}{c.trade_name}{c.industry}{c.form}"
    return f"{c.trade_name}{c.industry}{c.form}"


def retyped(rng: random.Random, c: Core) -> tuple[str, str]:
    """The same company written differently (and its phone as someone else typed it)."""
    name = company_name(Core(c.trade_name, c.industry, c.city, rng.choice(_FORMS), rng.choice((0, 1, 2, 3)), c.phone))
    variant = rng.randrange(4)
    if variant == 0:
        name = name.replace("（", "(").replace("）", ")")
    elif variant == 1:
        name = name.replace(c.trade_name, c.trade_name + " ", 1)
    elif variant == 2:
        name = name.replace("有限公司", "有限公司 ")
    phone = c.phone
    if len(phone) == 11 and phone.startswith("1") and rng.random() < 0.5:
        phone = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return name.strip(), phone


# --- one block --------------------------------------------------------------------------------------------
def build_block(plan: Plan, block: int) -> dict:
    """The rows of one block of customers and all that hangs off them, per table."""
    enc = encoder(plan.vendor)
    ids = plan.block_range(block)
    rng = random.Random(plan.seed * 7919 + block)
    d = plan.dictionary
    levels = list(d["customer_level"].values())
    sources = list(d["customer_source"].values())
    types = d["customer_type"]
    potentials = list(d["customer_potential"].values())
    stages = list(d["customer_stage"].values())
    methods = [d["followup_method"][v] for v in _METHODS]
    span = HISTORY_YEARS * 365 * DAY
    start_ts = plan.anchor - span
    anchor = plan.anchor
    today = datetime.date.fromtimestamp(anchor)

    rows = {table: [] for table in TABLES}
    customers, contacts, keys = rows["customers_customer"], rows["customers_contact"], rows["customers_customerkey"]
    followups, events = rows["customers_followup"], rows["customers_customerevent"]

    # How many contacts and follow-ups each customer gets: the block's totals are fixed by the plan.
    n = len(ids)
    contact_base = plan.contact_offset(ids[0])
    contact_total = plan.contact_offset(ids[-1] + 1) - contact_base
    counts = [rng.choice((1, 2, 3, 3, 4, 5)) for _ in ids]
    _fit(rng, counts, contact_total, low=1 if contact_total >= n else 0, high=8)
    followup_base = plan.followup_offset(ids[0])
    followup_total = plan.followup_offset(ids[-1] + 1) - followup_base
    in_pool = [rng.random() < POOL_SHARE for _ in ids]
    weights = list(accumulate((0.3 if p else 1.0) * rng.paretovariate(2.5) for p in in_pool))
    followup_counts = [0] * n
    for position in rng.choices(range(n), cum_weights=weights, k=followup_total):
        followup_counts[position] += 1

    contact_id = contact_base
    followup_id = followup_base
    for position, customer_id in enumerate(ids):
        crng = random.Random(plan.seed * 1_000_033 + customer_id)
        c = core(plan, customer_id)
        duplicate_of = None
        if customer_id > 10 and crng.random() < DUPLICATE_SHARE:
            duplicate_of = crng.randrange(max(1, customer_id - 200_000), customer_id)
            name, phone = retyped(crng, core(plan, duplicate_of))
            c = core(plan, duplicate_of)
        else:
            name, phone = company_name(c), c.phone
        city = c.city
        created = start_ts + (customer_id - 1) * span // plan.customers + crng.randrange(max(1, span // plan.customers))
        manager = crng.choices(plan.managers, cum_weights=plan.manager_weights)[0]
        pooled = in_pool[position]
        industry_value = INDUSTRY_VALUE[c.industry]
        customer = Customer(
            id=customer_id,
            name=name,
            phone=normalise.format_phone(phone),
            credit_code="" if duplicate_of or crng.random() < 0.1 else credit_code(customer_id, city),
            number=format_number(NUMBER_PREFIX, customer_id),
        )
        syllables = indexing.derive_name(customer)
        # The company's domain: the pinyin initials of its name (shhxwlkj.com), as many Chinese firms do.
        domain = customer.name_initials[:6] + crng.choice(("", "", "-tech", "group")) + crng.choice(_TLDS)
        if crng.random() >= 0.2:
            customer.email = f"{crng.choice(('info', 'sales', 'contact', 'service'))}@{domain}"

        # contacts
        people = []
        for k in range(counts[position]):
            contact_id += 1
            person, gender = person_name(crng)
            contact = Contact(
                id=contact_id,
                customer_id=customer_id,
                name=person,
                mobile=normalise.format_phone(mobile(crng)) if crng.random() < 0.9 else "",
                office_phone=customer.phone
                if k == 0 or crng.random() < 0.5
                else normalise.format_phone(landline(crng, city)),
                email="",
            )
            if crng.random() < 0.6:
                slug = "".join(_NAME_PINYIN.get(char, "") for char in person)
                contact.email = f"{slug}{crng.randrange(100)}@{crng.choices(_DOMAINS, cum_weights=_DOMAIN_CUM)[0]}"
            people.append(contact)
            since = created + crng.randrange(DAY * 30)
            birthday = (
                datetime.date(1960 + crng.randrange(40), 1 + crng.randrange(12), 1 + crng.randrange(28)).isoformat()
                if crng.random() < 0.4
                else None
            )
            contacts.append(
                (
                    contact_id,
                    enc.ts(since),
                    enc.ts(since),
                    person,
                    gender,
                    crng.choices(_POSITIONS, cum_weights=_POSITION_CUM)[0],
                    contact.office_phone,
                    contact.mobile,
                    contact.email,
                    birthday,
                    enc.true if k == 0 else enc.false,
                    "",
                    "{}",
                    manager,
                    customer_id,
                )
            )
            for key in indexing.contact_keys(contact):
                keys.append((key.kind, key.value, enc.false, contact_id, customer_id))
        customer.search_tokens = indexing.compute_tokens(customer, people, syllables)
        enforced = set() if duplicate_of else plan.enforced_kinds
        for key in indexing.own_keys(customer, enforced):
            keys.append((key.kind, key.value, enc.true if key.enforced else enc.false, None, customer_id))

        # follow-ups: times between creation and now, most of them recent
        count = followup_counts[position]
        times = sorted(
            max(created + 3600, anchor - int(crng.expovariate(1 / (150 * DAY))) - crng.randrange(DAY))
            for _ in range(count)
        )
        last_at = next_on = None
        contact_ids = [p.id for p in people]
        events.append(("created", "", "{}", enc.ts(created), manager, customer_id))
        for when in times:
            followup_id += 1
            method = crng.choices(methods, cum_weights=_METHOD_CUM)[0]
            text = crng.choices(_TEXTS, cum_weights=_TEXT_CUM)[0].format(
                product=crng.choice(words.PRODUCTS), n=crng.randrange(2, 6)
            )
            next_day = (
                (datetime.date.fromtimestamp(when) + datetime.timedelta(days=crng.randrange(3, 31))).isoformat()
                if crng.random() < 0.6
                else None
            )
            stamp = enc.ts(when)
            followups.append(
                (
                    followup_id,
                    text,
                    crng.choices(_RESULTS, cum_weights=_RESULT_CUM)[0],
                    stamp,
                    next_day,
                    stamp,
                    crng.choice(contact_ids) if contact_ids and crng.random() < 0.8 else None,
                    manager,
                    customer_id,
                    method,
                )
            )
            events.append(
                (
                    "followup",
                    text,
                    enc.json({"followup": followup_id, "method": plan.method_entries[method], "next": next_day}),
                    stamp,
                    manager,
                    customer_id,
                )
            )
            last_at, next_on = when, next_day

        pooled_at = None
        if pooled:
            pooled_at = min(anchor - DAY, (last_at or created) + 90 * DAY)
            events.append(("released", "90 天未跟进", "{}", enc.ts(pooled_at), None, customer_id))
        status = crng.choices(("normal", "churn_warning", "churn_suspended", "lost"), cum_weights=(93, 97, 99, 100))[0]
        updated = max(created, last_at or created)
        customers.append(
            (
                customer_id,
                enc.ts(created),
                enc.ts(updated),
                customer.number,
                f"{EXTERNAL_PREFIX}{customer_id}",
                name,
                crng.choices((1, 2, 3, 4, 5), cum_weights=(5, 15, 55, 85, 100))[0],
                crng.choices((1, 2, 3, 4, 5), cum_weights=(3, 10, 50, 85, 100))[0],
                _address(crng, city),
                city.code[:2] + f"{crng.randrange(10000):04d}",
                customer.phone,
                "" if crng.random() < 0.7 else normalise.format_phone(landline(crng, city)),
                customer.email,
                "" if crng.random() < 0.3 else f"www.{domain}",
                customer.credit_code,
                "",
                person_name(crng)[0],
                f"{crng.choice((50, 100, 200, 500, 1000, 2000, 5000, 10000))}.00",
                None if crng.random() < 0.4 else f"{crng.randrange(100, 500000)}.00",
                crng.choice(words.BANKS) + city.name + "分行",
                "".join(str(crng.randrange(10)) for _ in range(16)),
                "",
                "",
                status,
                "",
                "{}",
                enc.ts(pooled_at) if pooled_at else None,
                None,
                enc.ts(created),
                enc.ts(last_at) if last_at else None,
                next_on,
                None,
                customer.name_key,
                customer.name_pinyin,
                customer.name_initials,
                customer.search_tokens,
                city.code,
                manager,
                types["enterprise"] if crng.random() < 0.85 else crng.choice(list(types.values())),
                d["industry"][industry_value],
                crng.choices(levels, cum_weights=(60, 80, 90, 96, 100))[0],
                None if pooled else manager,
                crng.choice(potentials),
                manager if pooled else None,
                city.province,
                d["region"][city.region],
                crng.choice(sources),
                crng.choice(stages),
                plan.pool_id if pooled else None,
            )
        )
        if crng.random() < TAGGED_SHARE:
            for tag in crng.sample(plan.tags, crng.choice((1, 1, 2))):
                rows["customers_customer_tags"].append((customer_id, tag))
        if crng.random() < SHARED_SHARE and not pooled:
            team = [m for m in plan.colleagues.get(manager, ()) if m != manager]
            if team:
                rows["access_share"].append(
                    ("customers.customer", customer_id, enc.false, enc.ts(created + DAY), manager, crng.choice(team))
                )
        if crng.random() < INTERACTION_SHARE:
            day = datetime.date.fromtimestamp(created + crng.randrange(max(DAY, anchor - created)))
            day = min(day, today)
            stamp = enc.ts(int(time.mktime(day.timetuple())) + 36000)
            rows["customers_interaction"].append(
                (
                    stamp,
                    stamp,
                    day.isoformat(),
                    crng.choice(words.INTERACTION_PLACES),
                    crng.choice(words.INTERACTION_SUMMARIES),
                    "双方就合作范围和下一步计划达成一致",
                    "",
                    manager,
                    customer_id,
                )
            )
    if contact_id != contact_base + contact_total or followup_id != followup_base + followup_total:
        raise AssertionError("block totals do not add up")
    return {table: enc.finish(table, table_rows) for table, table_rows in rows.items()}


def _fit(rng: random.Random, counts: list[int], total: int, *, low: int, high: int) -> None:
    """Nudge the counts until they add up to `total`, keeping each within [low, high]."""
    difference = total - sum(counts)
    while difference:
        i = rng.randrange(len(counts))
        if difference > 0 and counts[i] < high:
            counts[i] += 1
            difference -= 1
        elif difference < 0 and counts[i] > low:
            counts[i] -= 1
            difference += 1


_TLDS = (".com", ".com", ".com.cn", ".cn")
# Pinyin of every character a person's name is made of, for e-mail addresses (zhangwei@163.com).
_NAME_PINYIN = {
    char: "".join(pinyin_syllables(char))
    for char in "".join(s for s, _w in words.SURNAMES) + words.GIVEN_NAME_CHARS_MALE + words.GIVEN_NAME_CHARS_FEMALE
}


def _address(rng: random.Random, city: City) -> str:
    road = rng.choice(_CHARS) + rng.choice(_CHARS) + rng.choice(words.ROAD_SUFFIXES)
    return (
        f"{city.full_name}{rng.choice(words.DISTRICT_WORDS)}{road}{rng.randrange(1, 999)}号"
        f"{rng.choice(_CHARS)}{rng.choice(words.BUILDING_WORDS)}{rng.randrange(1, 30)}楼"
    )
