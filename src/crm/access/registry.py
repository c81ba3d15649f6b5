"""What can be protected: every app registers its resources here when it loads.

A resource is a kind of record (`customers.customer`). It names its actions, from which the
function codes follow (`customers.customer.export`), the user fields that make a record "owned"
(for data scopes and for handover when an employee leaves), and the fields that field rules may
hide, make read-only or mask.
"""

from dataclasses import dataclass, field

from django.apps import apps

STANDARD_ACTIONS = ("view", "create", "edit", "delete")


@dataclass(frozen=True)
class Resource:
    code: str
    label: str
    model: str  # "app_label.ModelName"
    actions: tuple[str, ...] = STANDARD_ACTIONS
    # User foreign keys that own a record; empty means the resource is not scoped by owner.
    owner_fields: tuple[str, ...] = ()
    shareable: bool = False
    # Owner fields handed to the successor when an employee leaves (ORG-7); defaults to owner_fields.
    handover_fields: tuple[str, ...] | None = None
    # Fields a field rule may target: name -> mask kind ("phone", "email", "text", "number").
    protected_fields: dict[str, str] = field(default_factory=dict)
    # Labels for actions beyond the standard four, shown in the role editor.
    action_labels: dict[str, str] = field(default_factory=dict)
    # A record that belongs to another (a contact to its customer): (parent resource code, path
    # from this model to the parent). Its data scope is the parent's: visible where the parent is;
    # with owner fields too, visible through its own owners or through its parent (ADR 0017).
    parent: tuple[str, str] | None = None

    @property
    def scoped(self) -> bool:
        return bool(self.owner_fields) or self.parent is not None

    @property
    def has_own_scope(self) -> bool:
        """Roles may set a data scope for it (resources with a parent follow the parent's)."""
        return bool(self.owner_fields)

    @property
    def handover(self) -> tuple[str, ...]:
        return self.owner_fields if self.handover_fields is None else self.handover_fields

    def model_class(self):
        return apps.get_model(self.model)

    def function_code(self, action: str) -> str:
        return f"{self.code}.{action}"

    def function_codes(self) -> list[str]:
        return [self.function_code(action) for action in self.actions]


_resources: dict[str, Resource] = {}


def register(resource: Resource) -> Resource:
    if resource.code in _resources and _resources[resource.code] != resource:
        raise ValueError(f"resource {resource.code} registered twice")
    _resources[resource.code] = resource
    return resource


def get(code: str) -> Resource:
    return _resources[code]


def all_resources() -> list[Resource]:
    return sorted(_resources.values(), key=lambda r: r.code)


def all_function_codes() -> set[str]:
    return {code for resource in _resources.values() for code in resource.function_codes()}

