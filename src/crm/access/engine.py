"""The permission engine: the one place that decides what a user may do and see.

`access_for(user)` gives an `Access` object, built once per user per request from the user's
roles (one query: which roles; what a set of roles allows is held per process, ADR 0028), that
answers:
- function permissions: `can("customers.customer.export")`, `require(...)`;
- data scopes: `scoped("customers.customer", queryset)` filters to the records the user may see
  (own / department / subtree / all, plus shares); `get(...)` raises NotFound outside scope;
- field rules: `field_rule(resource, field)`, `visible_fields(...)`, `mask(...)`.

Every page, API view, export, search, report and job asks it; nothing else reads the policy
tables. Several roles combine generously: union of functions, widest scope, mildest field rule.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.db.models import Q, QuerySet

from crm.access import registry
from crm.access.masking import mask_value
from crm.access.models import FIELD_RULE_ORDER, SCOPE_ORDER, FieldRule, FieldRuleKind, Role, Scope, Share
from crm.core.errors import NotFound, PermissionDenied
from crm.core.memo import SharedMemo

_CACHE_ATTR = "_crm_access"
SHARES_INLINE = 1000
LISTED_INLINE = 5000  # ids in scope a listing names instead of repeating the scope's UNION


@dataclass
class Access:
    user: object
    functions: frozenset = frozenset()
    default_scope: str | None = None
    scopes: dict = field(default_factory=dict)
    field_rules: dict = field(default_factory=dict)  # resource -> {field: rule}
    superuser: bool = False
    _shares: dict = field(default_factory=dict, repr=False)  # (resource, for_edit) -> ids
    _checked: dict = field(default_factory=dict, repr=False)  # (resource, pk, for_edit) -> in scope
    _listings: dict = field(default_factory=dict, repr=False)  # (resource, for_edit) -> a listing's condition
    _narrow: set = field(default_factory=set, repr=False)  # (resource, for_edit) listed by ids named
    _members: dict = field(default_factory=dict, repr=False)  # (department, subtree) -> its users

    # --- function permissions ----------------------------------------------------------------
    def can(self, code: str) -> bool:
        return self.superuser or code in self.functions

    def require(self, code: str) -> None:
        if not self.can(code):
            raise PermissionDenied()

    # --- data scopes ---------------------------------------------------------------------------
    def scope(self, resource_code: str) -> str | None:
        """The widest scope the user's roles give on a resource, or None for no access at all."""
        if self.superuser:
            return Scope.ALL
        return self.scopes.get(resource_code, self.default_scope)

    def sees_all(self, resource_code: str) -> bool:
        """Whether the user's scope over a resource is unrestricted ("all")."""
        return self.scope(resource_code) == Scope.ALL

    def scope_filter(self, resource_code: str, *, for_edit: bool = False) -> Q | None:
        """A Q selecting the records in scope; None means no restriction (scope "all").

        A record with a parent (a contact's customer) is in scope where its parent is; one with
        owner fields too (an opportunity of a customer) is in scope through its own owners
        **or** through its parent (ADR 0017)."""
        resource = registry.get(resource_code)
        if not resource.scoped:
            return None
        if not resource.owner_fields:
            return self._parent_filter(resource, for_edit=for_edit)
        branches = self._own_branches(resource, for_edit)
        if branches is None:
            return None
        if resource.parent is None:
            return _any(branches)
        through_parent = self._parent_filter(resource, for_edit=for_edit)
        if through_parent is None:
            return None
        return Q(pk__in=_union(resource.model_class(), [*branches, through_parent]))

    def _own_branches(self, resource, for_edit: bool) -> list[Q] | None:
        """The ways a record is the user's own (an owner field, the owner's department, a share),
        one Q each; None for scope "all"."""
        scope = self.scope(resource.code)
        if scope == Scope.ALL:
            return None
        user = self.user
        # Read only for the scopes that name it: an own scope needs no query for the department.
        department = getattr(user, "department", None) if scope in (Scope.DEPARTMENT, Scope.SUBTREE) else None
        branches = []
        for owner in resource.owner_fields:
            if department is None:
                branches.append(Q(**{owner: user.pk}))
            else:
                branches.append(self._owned_in(owner, department, subtree=scope == Scope.SUBTREE))
        if resource.shareable:
            shared = self._shared_ids(resource.code, for_edit)
            if not isinstance(shared, list) or shared:
                branches.append(Q(pk__in=shared))
        return branches

    def _owned_in(self, owner: str, department, *, subtree: bool) -> Q:
        """Records the user owns or whose owner works in the department (or its subtree), by the
        owners' ids read once per request, the user's among them: one look-up along the owner
        field's index, where joining every record to its owner and the owner's department read the
        whole table (a supervisor's churn warnings at scale 1: their count 275 -> 20-40 ms,
        docs/benchmarks.md "Issue 15"). A department of more people than a listing names keeps the
        join."""
        lookup, value = _colleagues(department, subtree)
        key = (department.pk, subtree)
        if key not in self._members:
            people = get_user_model()._default_manager.order_by().filter(**{lookup: value})
            ids = list(people.values_list("pk", flat=True)[: LISTED_INLINE + 1])
            self._members[key] = sorted({self.user.pk, *ids}) if len(ids) <= LISTED_INLINE else None
        ids = self._members[key]
        if ids is not None:
            return Q(**{f"{owner}__pk__any_of": ids})
        return Q(**{owner: self.user.pk}) | Q(**{f"{owner}__{lookup}": value})

    def scope_branches(self, resource_code: str) -> list[Q] | None:
        """The ways a record is in the user's view scope, one Q each (own, the department's, shared),
        for a resource with owners and no parent; None when unrestricted or not so shaped. Their OR
        is `scope_filter`; a listing may instead read each branch along its own index and put them
        together (a UNION ALL, ADR 0029)."""
        resource = registry.get(resource_code)
        if not resource.scoped or resource.parent is not None or not resource.owner_fields:
            return None
        return self._own_branches(resource, for_edit=False)

    def users_in_scope(self, resource_code: str, users: QuerySet) -> QuerySet:
        """The users whose records of this resource the user reaches by scope (whom they may
        name as owner): everyone, their subtree, their department, or only themself."""
        scope = self.scope(resource_code)
        department = getattr(self.user, "department", None)
        if scope == Scope.ALL:
            return users
        if scope in (Scope.SUBTREE, Scope.DEPARTMENT) and department is not None:
            lookup, value = _colleagues(department, subtree=scope == Scope.SUBTREE)
            return users.filter(Q(pk=self.user.pk) | Q(**{lookup: value}))
        return users.filter(pk=getattr(self.user, "pk", None))

    def departments_in_scope(self, resource_code: str, departments: QuerySet) -> QuerySet:
        """The departments whose records of this resource the user reaches by scope (records owned
        by a department, such as its sales target): all, their subtree, their own, or none."""
        scope = self.scope(resource_code)
        department = getattr(self.user, "department", None)
        if scope == Scope.ALL:
            return departments
        if scope == Scope.SUBTREE and department is not None:
            return departments.filter(path__startswith=department.path)
        if scope == Scope.DEPARTMENT and department is not None:
            return departments.filter(pk=department.pk)
        return departments.none()

    def _shared_ids(self, resource_code: str, for_edit: bool):
        """The ids shared with the user, read once per request as a literal list: the planner
        cannot estimate `id IN (SELECT … FROM share)` and then reads big tables in index order
        (docs/benchmarks.md). Beyond SHARES_INLINE shares the sub-query is kept."""
        key = (resource_code, for_edit)
        if key not in self._shares:
            ids = _share_ids(resource_code, self.user.pk, for_edit=for_edit, limit=SHARES_INLINE + 1)
            if len(ids) <= SHARES_INLINE:
                self._shares[key] = ids
            else:
                shares = Share.objects.filter(resource=resource_code, user_id=self.user.pk)
                self._shares[key] = (shares.filter(can_edit=True) if for_edit else shares).values("object_id")
        return self._shares[key]

    def _parent_filter(self, resource, *, for_edit: bool) -> Q | None:
        parent_code, path = resource.parent
        condition = self.scope_filter(parent_code, for_edit=for_edit)
        if condition is None:
            return None
        parents = registry.get(parent_code).model_class()._default_manager.filter(condition)
        return Q(**{f"{path}__in": parents.values("pk")})

    def scoped(
        self,
        resource_code: str,
        queryset: QuerySet | None = None,
        *,
        action: str = "view",
        listing: bool = False,
        parent=None,
    ) -> QuerySet:
        """The records of a resource this user may see (or, with action="edit", change).

        `listing=True` (a page that reads the same scope several times: the board, a list with its
        tab counts) reads the ids in scope once for the request when the scope is a UNION
        (records with owners and a parent) and they are few, and names them in every query after.
        Not for `get` and checks: a record created later in the same request would be missing.

        `parent` (a record of the resource's parent: a customer for its opportunities) restricts
        the records to that parent's and decides their scope by one look at the parent (`_under`)."""
        resource = registry.get(resource_code)
        if queryset is None:
            queryset = resource.model_class()._default_manager.all()
        if parent is not None:
            if resource.parent is None:
                raise ValueError(f"{resource_code} has no parent resource")
            queryset = queryset.filter(**{resource.parent[1]: parent})
        if not self.can(resource.function_code(action if action in resource.actions else "view")):
            return queryset.none()
        for_edit = action not in ("view", "export")
        if parent is not None:
            return self._under(resource, queryset, parent, for_edit)
        condition = self.scope_filter(resource_code, for_edit=for_edit)
        if listing and condition is not None and resource.parent is not None:
            condition = self._listed(resource, condition, for_edit)
        return queryset if condition is None else queryset.filter(condition)

    def _under(self, resource, records: QuerySet, parent, for_edit: bool) -> QuerySet:
        """A parent's records in scope (a customer's opportunities on its 360 page): all of them when
        the parent is in the user's scope, since a record's scope takes in its parent's; else those
        the user has by their own owners or shares. One look at the parent by its key, instead of
        the scope of the whole table (for a salesperson's 360 page: every opportunity and service
        of their 4,000 customers named, 200 ms; docs/benchmarks.md, issue 19)."""
        if not resource.scoped or (resource.owner_fields and self.scope(resource.code) == Scope.ALL):
            return records
        parent_code = resource.parent[0]
        parent_condition = self.scope_filter(parent_code, for_edit=for_edit)
        parents = registry.get(parent_code).model_class()._default_manager.filter(pk=parent.pk)
        if parent_condition is None or parents.filter(parent_condition).exists():
            return records
        branches = self._own_branches(resource, for_edit) if resource.owner_fields else []
        return records.filter(_any(branches)) if branches else records.none()

    def _listed(self, resource, condition: Q, for_edit: bool) -> Q:
        """A listing's condition for a record with a parent, read once per request: the ids in scope
        when few (records with owners of their own); else the scope rebuilt with its parents in scope
        named by id when those are few, or by the parent's own listing condition: no UNION, no nested
        sub-query, so the child's own indexes answer (docs/benchmarks.md, issue 16)."""
        key = (resource.code, for_edit)
        if key not in self._listings:
            self._listings[key] = self._listing_condition(resource, condition, for_edit)
        return self._listings[key]

    def _listing_condition(self, resource, condition: Q, for_edit: bool) -> Q:
        parent_code, path = resource.parent
        parent = registry.get(parent_code)
        parent_condition = self.scope_filter(parent_code, for_edit=for_edit)
        if parent_condition is None:
            return condition
        if parent.parent is not None:
            parent_condition = self._listed(parent, parent_condition, for_edit)
        parents = parent.model_class()._default_manager.filter(parent_condition).order_by()
        ids = list(parents.values_list("pk", flat=True)[: LISTED_INLINE + 1])
        if len(ids) <= LISTED_INLINE:
            through_parent = Q(**{f"{path}__pk__any_of": ids})
            self._narrow.add((resource.code, for_edit))
        else:
            through_parent = Q(**{f"{path}__in": parents.values("pk")})
        if not resource.owner_fields:
            return through_parent
        # Owners of its own too: with the parents named, the branches OR-ed (each answered by its
        # index); else the scope's UNION stays. Then the records themselves named when few.
        if len(ids) <= LISTED_INLINE:
            condition = _any([*self._own_branches(resource, for_edit), through_parent])
        manager = resource.model_class()._default_manager
        ids = list(manager.filter(condition).order_by().values_list("pk", flat=True)[: LISTED_INLINE + 1])
        if len(ids) <= LISTED_INLINE:
            self._narrow.add((resource.code, for_edit))
            return Q(pk__any_of=ids)
        self._narrow.discard((resource.code, for_edit))
        return condition

    def narrow_listing(self, resource_code: str, *, for_edit: bool = False) -> bool:
        """Whether this request's listing of the resource names its records or their parents by id
        (a few thousand at most): a list may then sort what it reads through those ids instead of
        walking an index of the whole table in its order (crm.sales.selectors.receipt_list)."""
        return (resource_code, for_edit) in self._narrow

    def get(self, resource_code: str, pk, *, queryset: QuerySet | None = None):
        """One record in scope, or NotFound: out-of-scope records do not exist for this user."""
        try:
            return self.scoped(resource_code, queryset, action="view").get(pk=pk)
        except (ValueError, TypeError, self._model(resource_code).DoesNotExist) as exc:
            raise NotFound() from exc

    def check(self, resource_code: str, action: str, obj) -> None:
        """Raise unless the user may do `action` on this record (which it can already see)."""
        resource = registry.get(resource_code)
        self.require(resource.function_code(action))
        if action != "view" and not self._in_scope(resource, obj, for_edit=action != "export", remember=False):
            raise PermissionDenied()

    def allows(self, resource_code: str, action: str, obj) -> bool:
        try:
            self.check(resource_code, action, obj)
        except PermissionDenied:
            return False
        return True

    def check_parent(self, child_code: str, action: str, parent) -> None:
        """Work on a child record (a customer's contact) is work on its parent: the child's
        function, and edit rights on the parent."""
        child = registry.get(child_code)
        self.require(child.function_code(action))
        self.check(child.parent[0], "edit", parent)

    def abilities(self, resource_code: str, obj=None, *, parent=None) -> dict[str, bool]:
        """{action: allowed} for every action of the resource, for the buttons of pages and
        serializers: the functions alone; with `obj`, also that record's scope; with `parent`
        (a child resource's, e.g. the customer of contacts to add), edit rights on the parent.
        Each record's scope is asked once per request."""
        resource = registry.get(resource_code)
        result = {action: self.can(resource.function_code(action)) for action in resource.actions}
        if parent is not None:
            on_parent = self._in_scope(registry.get(resource.parent[0]), parent, for_edit=True)
            return {action: allowed and on_parent for action, allowed in result.items()}
        reading = ("view", "export")
        if obj is not None and any(allowed for action, allowed in result.items() if action not in reading):
            editable = self._in_scope(resource, obj, for_edit=True)
            result = {action: allowed and (action in reading or editable) for action, allowed in result.items()}
        return result

    def _in_scope(self, resource, obj, *, for_edit: bool, remember: bool = True) -> bool:
        """Whether the record is in scope. Buttons remember the answer for the request; a check
        before a write always asks (an earlier write of the same request may have changed it)."""
        if not resource.scoped:
            return True
        key = (resource.code, obj.pk, for_edit)
        if key not in self._checked or not remember:
            condition = self.scope_filter(resource.code, for_edit=for_edit)
            self._checked[key] = (
                condition is None or resource.model_class()._default_manager.filter(condition, pk=obj.pk).exists()
            )
        return self._checked[key]

    # --- field rules ----------------------------------------------------------------------------
    def field_rule(self, resource_code: str, field_name: str) -> str | None:
        if self.superuser:
            return None
        return self.field_rules.get(resource_code, {}).get(field_name)

    def hidden_fields(self, resource_code: str) -> set[str]:
        return self._fields_with(resource_code, {FieldRuleKind.HIDDEN})

    def readonly_fields(self, resource_code: str) -> set[str]:
        """Fields the user may not write: read-only, masked and hidden alike."""
        return self._fields_with(resource_code, set(FieldRuleKind))

    def masked_fields(self, resource_code: str) -> set[str]:
        return self._fields_with(resource_code, {FieldRuleKind.MASKED})

    def concealed_fields(self, resource_code: str) -> set[str]:
        """Fields the user does not see in full (hidden or masked): not written, searched,
        filtered, sorted or confirmed by them either, or the full value could be guessed."""
        return self._fields_with(resource_code, {FieldRuleKind.HIDDEN, FieldRuleKind.MASKED})

    def present(self, resource_code: str, field_name: str, value):
        """A field's value as this user may see it: itself, masked, or None when hidden."""
        rule = self.field_rule(resource_code, field_name)
        if rule == FieldRuleKind.HIDDEN:
            return None
        if rule == FieldRuleKind.MASKED:
            kind = registry.get(resource_code).protected_fields.get(field_name, "text")
            return mask_value(value, kind)
        return value

    def _fields_with(self, resource_code: str, kinds: set) -> set[str]:
        if self.superuser:
            return set()
        rules = self.field_rules.get(resource_code, {})
        return {name for name, rule in rules.items() if rule in kinds}

    @staticmethod
    def _model(resource_code: str):
        return registry.get(resource_code).model_class()


def users_with_function(code: str, users: QuerySet) -> QuerySet:
    """The users holding a function through one of their roles, or as superusers (who is reminded
    to do something only the function allows)."""
    return users.filter(Q(is_superuser=True) | Q(roles__permissions__code=code)).distinct()


def _colleagues(department, subtree: bool) -> tuple[str, object]:
    """A user's colleagues by scope, as a lookup on users: the department and those below it (by its
    path), or the department alone."""
    if subtree:
        return "department__path__startswith", department.path
    return "department_id", department.pk


def access_for(user) -> Access:
    """The user's Access, computed once and kept on the user object for the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    access = _build(user)
    if user is not None and getattr(user, "pk", None) is not None:
        setattr(user, _CACHE_ATTR, access)
    return access


def forget(user) -> None:
    """Drop a cached Access (after the user's roles changed within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


@dataclass(frozen=True)
class Policy:
    """What a set of roles allows, whoever holds them: shared by the requests of every user with
    exactly these roles, so read-only (its mappings cannot be changed)."""

    functions: frozenset
    default_scope: str
    scopes: MappingProxyType  # resource -> scope, where it differs from default_scope
    field_rules: MappingProxyType  # resource -> {field: rule}


# Policies by set of role ids, for the current policy version (ADR 0028). The roles a user holds are
# read on every request; what those roles allow is read once per process until a role, its
# functions, scopes or field rules change (policy_changed), or after 10 minutes (changes made
# behind the code's back, in SQL).
_POLICIES: SharedMemo[dict] = SharedMemo("crm:access:policies", dict, seconds=600)
POLICIES_HELD = 1000  # distinct role sets one process keeps before starting afresh


def policy_changed() -> None:
    """A role's policy changed: every process reads policies anew at its next request, and again
    once the transaction commits (a process that read in between read the old rows)."""
    _POLICIES.forget()
    transaction.on_commit(_POLICIES.forget)


def _build(user) -> Access:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Access(user=user)
    if user.is_superuser:
        return Access(user=user, superuser=True)
    role_ids = frozenset(Role.users.through.objects.filter(user_id=user.pk).values_list("role_id", flat=True))
    if not role_ids:
        return Access(user=user)
    policy = policy_of(role_ids)
    if policy is None:  # a role deleted since its id was read
        return Access(user=user)
    return Access(
        user=user,
        functions=policy.functions,
        default_scope=policy.default_scope,
        scopes=policy.scopes,
        field_rules=policy.field_rules,
    )


def policy_of(role_ids: frozenset) -> Policy | None:
    """The policy of a set of roles, from this process's memo or read (three queries)."""
    policies = _POLICIES.get()
    policy = policies.get(role_ids)
    if policy is None:
        policy = _read_policy(role_ids)
        if len(policies) >= POLICIES_HELD:
            policies.clear()
        policies[role_ids] = policy
    return policy


def _read_policy(role_ids: frozenset) -> Policy | None:
    roles = list(Role.objects.filter(pk__in=role_ids).prefetch_related("permissions", "scopes"))
    if not roles:
        return None
    functions = frozenset(p.code for role in roles for p in role.permissions.all())
    default_scope = max((role.default_scope for role in roles), key=SCOPE_ORDER.index)
    scopes: dict[str, str] = {}
    for resource in registry.all_resources():
        per_role = [
            next((s.scope for s in role.scopes.all() if s.resource == resource.code), role.default_scope)
            for role in roles
        ]
        widest = max(per_role, key=SCOPE_ORDER.index)
        if widest != default_scope:
            scopes[resource.code] = widest
    field_rules = {resource: MappingProxyType(rules) for resource, rules in _combine_field_rules(roles).items()}
    return Policy(
        functions=functions,
        default_scope=default_scope,
        scopes=MappingProxyType(scopes),
        field_rules=MappingProxyType(field_rules),
    )


def _combine_field_rules(roles: list[Role]) -> dict:
    """A field stays restricted only if every role restricts it; then the mildest rule wins."""
    per_role: list[dict] = [{} for _ in roles]
    index = {role.pk: i for i, role in enumerate(roles)}
    for rule in FieldRule.objects.filter(role__in=roles):
        per_role[index[rule.role_id]][(rule.resource, rule.field)] = rule.rule
    common = set.intersection(*(set(rules) for rules in per_role)) if per_role else set()
    combined: dict[str, dict[str, str]] = {}
    for key in common:
        mildest = min((rules[key] for rules in per_role), key=FIELD_RULE_ORDER.index)
        combined.setdefault(key[0], {})[key[1]] = mildest
    return combined


def _any(branches: list[Q]) -> Q:
    condition = Q(pk__in=[])
    for branch in branches:
        condition |= branch
    return condition


def _union(model, branches: list[Q]) -> QuerySet:
    """The ids each branch selects, as one UNION. An OR across different columns, one of them
    `customer_id IN (sub-query)`, cannot use the columns' indexes together, and PostgreSQL reads
    the whole table instead (300,000 opportunities for a salesperson's board); a UNION of indexed
    lookups reads only the rows in scope (docs/benchmarks.md, issue 13)."""
    manager = model._default_manager
    queries = [manager.filter(branch).order_by().values("pk") for branch in branches]
    return queries[0].union(*queries[1:])


def _share_ids(resource_code: str, user_id, *, for_edit: bool, limit: int) -> list:
    """Up to `limit` ids of the records of a resource shared with a user. A plain statement: every
    request of a salesperson's list reads it, and the ORM's compiling cost more than the lookup
    along `access_share_user_idx` itself (docs/benchmarks.md, issue 19)."""
    database = router.db_for_read(Share)
    connection = connections[database]
    table = connection.ops.quote_name(Share._meta.db_table)
    sql = f"SELECT object_id FROM {table} WHERE user_id = %s AND resource = %s"  # noqa: S608 (a quoted table name)
    if for_edit:
        sql += " AND can_edit = %s"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [user_id, resource_code, *([True] if for_edit else []), limit])
        return [row[0] for row in cursor.fetchall()]
