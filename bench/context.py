"""What the operations measure with: the personas, samples of the data, a logged-in test client."""

import random
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count


@dataclass
class Context:
    seed: int = 1
    rng: random.Random = field(init=False)
    current: str = ""  # the operation being set up (bench.run sets it)
    notes: dict = field(default_factory=dict)  # (operation, persona) -> {what: value}
    cleanups: list = field(default_factory=list)  # zero-argument calls run after the operation's timing

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def note(self, persona: str, what: str, value) -> None:
        """Something worth printing next to the numbers (the queries used, the rows counted)."""
        self.notes.setdefault((self.current, persona), {})[what] = value

    def after(self, cleanup) -> None:
        """Run `cleanup` once the operation is timed (writes put the data back as generated)."""
        self.cleanups.append(cleanup)

    def clean_up(self) -> None:
        while self.cleanups:
            self.cleanups.pop()()

    # --- personas ---------------------------------------------------------------------------------------
    @cached_property
    def personas(self) -> dict[str, int]:
        """salesperson: the account manager owning the median number of customers (scope own);
        executive: a user of the executive role (scope all). The supervisor, timed only when asked,
        is found apart (`supervisor`)."""
        from crm.customers.models import Customer
        from crm.identity.models import User

        owners = list(
            Customer.objects.filter(manager__roles__code="manager")
            .values("manager")
            .annotate(n=Count("id"))
            .order_by("n", "manager")
            .values_list("manager", "n")
        )
        if not owners:
            raise SystemExit("No customers owned by account managers: generate data first (python -m bench.generate).")
        salesperson = owners[len(owners) // 2][0]
        executive = (
            User.objects.filter(roles__code="executive", status="normal")
            .order_by("username")
            .values_list("pk", flat=True)
        ).first()
        if executive is None:
            raise SystemExit("No user with the executive role.")
        return {"salesperson": salesperson, "executive": executive}

    @cached_property
    def supervisor(self) -> int:
        """supervisor: of the users of the supervisor role, the one whose scope (their department and
        those below it) holds the median number of customers; asked for only when timed."""
        from crm.customers.selectors.scope import customer_queryset
        from crm.identity.models import User

        users = User.objects.filter(roles__code="supervisor", status="normal", department__isnull=False)
        sized = sorted((customer_queryset(self.fresh_user(pk)).count(), pk) for pk in users.values_list("pk", flat=True))
        if not sized:
            raise SystemExit("No user with the supervisor role.")
        return sized[len(sized) // 2][1]

    def user_id(self, persona: str) -> int:
        if persona == "supervisor":
            return self.supervisor
        return self.personas[persona]

    @staticmethod
    def fresh_user(user_id: int):
        """The user as a request sees it: loaded anew, so the permission engine builds its rules
        again (its four queries are part of every measured call)."""
        from crm.identity.models import User

        return User.objects.select_related("department").get(pk=user_id)

    def owned_count(self, persona: str) -> int:
        from crm.customers.selectors.scope import customer_queryset

        return customer_queryset(self.fresh_user(self.user_id(persona))).count()

    # --- samples ----------------------------------------------------------------------------------------------
    def sample_customers(
        self, persona: str, n: int = 20, fields=("pk", "name", "name_key", "phone"), *, include_pools: bool = True
    ) -> list[dict]:
        """`n` customers the persona may see (without the public pools' if `include_pools` is False:
        the persona's own scope), spread over the table (random ids, not the newest)."""
        from crm.customers.models import Customer
        from crm.customers.selectors.scope import customer_queryset

        queryset = customer_queryset(self.fresh_user(self.user_id(persona)), include_pools=include_pools)
        bounds = Customer.objects.order_by("pk").values_list("pk", flat=True)
        first, last = bounds.first(), Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
        if first is None:
            return []
        picked: list[dict] = []
        seen: set[int] = set()
        for _attempt in range(n * 20):
            if len(picked) >= n:
                break
            start = self.rng.randint(first, last)
            row = queryset.filter(pk__gte=start).order_by("pk").values(*fields).first()
            if row and row["pk"] not in seen:
                seen.add(row["pk"])
                picked.append(row)
        return picked

    @cached_property
    def host(self) -> str:
        from django.conf import settings

        hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")]
        return hosts[0] if hosts else "localhost"

    def client(self, persona: str):
        """A django.test.Client logged in as the persona (a real session in the database)."""
        from django.test import Client

        from crm.identity.models import User

        client = Client(HTTP_HOST=self.host)
        client.force_login(User.objects.get(pk=self.user_id(persona)))
        return client
