"""Which rows of a customer import duplicate a customer or an earlier row of the file, and what
the duplicate policy makes of each (CUS-8, IMP-1): the deciding half of CustomerImport.

Per batch of rows (a fixed number of queries whatever its size): the rows' normalised keys (name,
phone, e-mail, credit code; crm.customers.normalise) are looked up with one query on the key table,
as are customer numbers and external IDs; rows are compared with each other through the keys of
the rows before them in the same file. Each match is judged by the administrators' duplicate
rules (block / warn / off); a "block" rule cannot be overridden by "create anyway". Similar-name
(fuzzy) matching is left to the duplicate pages: scored per row it would make big imports slow.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from crm.access.masking import mask_value
from crm.customers import normalise
from crm.customers.models import Customer, DuplicateMode, KeyKind
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.duplicates import key_holders
from crm.customers.selectors.scope import customer_queryset
from crm.customers.services import duplicates, indexing
from crm.imports import registry as r

_KEY_RULE = {str(kind): rule for rule, kind in indexing.RULE_KEY_KINDS.items()}  # key kind -> duplicate rule
_MODE_ORDER = [DuplicateMode.OFF, DuplicateMode.WARN, DuplicateMode.BLOCK]
_KEY_FUNCTIONS = (
    (str(KeyKind.PHONE), "phone", normalise.phone_key),
    (str(KeyKind.EMAIL), "email", normalise.email_key),
    (str(KeyKind.CREDIT_CODE), "credit_code", normalise.credit_code_key),
)
IDENTITY = "identity"  # the pseudo-rule of a matching number or external ID: never a second record


def _rules(reasons) -> list[str]:
    """The duplicate rules behind a match's reasons (key kinds), a matching number or ID aside."""
    return [_KEY_RULE.get(reason, reason) for reason in reasons if reason != IDENTITY]


def _earlier(reasons) -> str:
    """Why a row matches an earlier row of the file, in words."""
    return "、".join(duplicates.reason_text(rule) for rule in _rules(reasons)) or _("same external ID")


@dataclass(slots=True)
class Seen:
    """An earlier row of the file with a key: its row number, and its record once written
    (then it no longer holds the row: DuplicatePolicy.committed)."""

    number: int
    row: r.Row | None = None  # a row of the current batch, not yet written
    pk: int | None = None

    @property
    def record_id(self) -> int | None:
        return self.pk if self.pk is not None else (self.row.record_id if self.row is not None else None)


class DuplicatePolicy:
    """Mixed into CustomerImport: `rules_state()` goes into ctx.state at the start of a run,
    `_keys` gives a cleaned row's keys, `decide` sets the outcome of a batch's valid rows."""

    @staticmethod
    def rules_state() -> dict:
        """The duplicate rules' mode per key kind, read once per run."""
        rules = duplicates.Rules.load()
        modes = {str(kind): rules.mode(rule) for kind, rule in _KEY_RULE.items()}
        return {"modes": modes, "active_kinds": {kind for kind, mode in modes.items() if mode != DuplicateMode.OFF}}

    def _keys(self, ctx: r.Context, row: r.Row) -> list[tuple[str, str]]:
        active = ctx.state["active_kinds"]
        values = row.values
        keys = []
        if "name" in active and row.extra["name_key"]:
            keys.append(("name", row.extra["name_key"][:120]))
        for kind, field, function in _KEY_FUNCTIONS:
            if kind in active and values.get(field):
                value = function(values[field])
                if value:
                    keys.append((kind, value[:120]))
        return keys

    def _mode(self, ctx: r.Context, reasons) -> str:
        modes = [DuplicateMode.BLOCK if reason == IDENTITY else ctx.state["modes"].get(reason) for reason in reasons]
        return max((m for m in modes if m), key=_MODE_ORDER.index, default=DuplicateMode.OFF)

    def decide(self, ctx: r.Context, valid: list[r.Row]) -> None:
        """Each valid row's outcome: CREATED, UPDATED (row.extra["target"], or "merged_into" an
        earlier row of the batch), SKIPPED, WAITING or REJECTED."""
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
        for row in valid:
            target = row.extra.get("target") if row.outcome == r.UPDATED else None
            if target and target not in editable:
                match = self._describe(customers.get(target), [IDENTITY], target in visible)
                self._reject(ctx, row, _("You may not edit this customer: %(match)s") % {"match": match})

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
        rules = _rules(reasons)
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
            match = duplicates.Match(customer=customer, reasons=_rules(reasons), visible=customer_id in visible)
            entry = duplicates.match_details(match, actor=ctx.actor)
            entry.pop("transfer_token", None)
            entry["mode"] = self._mode(ctx, reasons)
            entry["reason_text"] = entry["reason_text"] or _("same number")
            details.append(entry)
        for number, (_seen, reasons) in sorted(row.extra["earlier"].items()):
            details.append({"row": number, "reason_text": _earlier(reasons), "mode": self._mode(ctx, reasons)})
        return details

    def _summary(self, ctx, row, customers, visible) -> str:
        parts = []
        for customer_id, reasons in row.extra["candidates"].items():
            parts.append(self._describe(customers.get(customer_id), reasons, customer_id in visible))
        for number, (_seen, reasons) in sorted(row.extra["earlier"].items()):
            parts.append(_("row %(row)d of this file (%(reasons)s)") % {"row": number, "reasons": _earlier(reasons)})
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
            self._create(ctx, row)
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
            self._create(ctx, row)
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

    def _create(self, ctx, row: r.Row) -> None:
        """A new record, unless its draft is refused: then it is no earlier row that later rows
        of the file could duplicate (they are refused alike, not skipped)."""
        if self._build(ctx, row) is None:  # refused, with its reasons
            return
        row.outcome = r.CREATED
        self._remember(ctx, row)

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
        earlier.extra.pop("draft", None)  # drafted from the values before: made again when written
