"""Roles over the API (ORG-3..6): details plus the whole policy, as codes and plain values."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.access.models import FieldRuleKind, Scope


class FieldRuleSerializer(serializers.Serializer):
    resource = serializers.CharField(max_length=100)
    field = serializers.CharField(max_length=100)
    rule = serializers.ChoiceField(choices=FieldRuleKind.choices)

    def validate(self, attrs):
        # A PATCH makes nested fields optional too (DRF's root `partial`): an item is whole or refused.
        missing = [name for name in self.fields if name not in attrs]
        if missing:
            required = {name: [self.fields[name].error_messages["required"]] for name in missing}
            raise serializers.ValidationError(required)
        return attrs


class RoleSerializer(serializers.Serializer):
    """A role. Writing `functions`, `scopes` or `field_rules` replaces that part of the policy;
    writing `users` gives the role to exactly those users."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.SlugField(max_length=50, help_text=_("Cannot be changed on built-in roles."))
    name = serializers.CharField(max_length=50)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    default_scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    is_system = serializers.BooleanField(read_only=True)
    user_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    functions = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text=_("Function codes, e.g. customers.customer.export."),
    )
    scopes = serializers.DictField(
        child=serializers.ChoiceField(choices=Scope.choices),
        required=False,
        help_text=_("Data scope per resource; resources not listed use the role's default scope."),
    )
    field_rules = FieldRuleSerializer(many=True, required=False)
    users = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=get_user_model().objects.all())

    def to_representation(self, role):
        # Reads only prefetched relations (crm.access.selectors.role_list_detailed).
        return {
            "id": role.pk,
            "code": role.code,
            "name": role.name,
            "description": role.description,
            "default_scope": role.default_scope,
            "is_system": role.is_system,
            "user_count": getattr(role, "user_count", None),
            "created_at": serializers.DateTimeField().to_representation(role.created_at),
            "functions": sorted(p.code for p in role.permissions.all()),
            "scopes": {s.resource: s.scope for s in role.scopes.all()},
            "field_rules": [
                {"resource": r.resource, "field": r.field, "rule": r.rule}
                for r in sorted(role.field_rules.all(), key=lambda r: (r.resource, r.field))
            ],
            "users": sorted(u.pk for u in role.users.all()),
        }

    # --- what the services get ---------------------------------------------------------------------
    def details(self) -> dict:
        names = ("code", "name", "description", "default_scope")
        return {name: self.validated_data[name] for name in names if name in self.validated_data}

    def policy(self) -> dict:
        data = self.validated_data
        policy = {}
        if "functions" in data:
            policy["functions"] = set(data["functions"])
        if "scopes" in data:
            policy["scopes"] = dict(data["scopes"])
        if "field_rules" in data:
            rules = {}
            for item in data["field_rules"]:
                key = (item["resource"], item["field"])
                if key in rules:
                    raise serializers.ValidationError(
                        {"field_rules": [_("%(field)s appears twice.") % {"field": ".".join(key)}]}
                    )
                rules[key] = item["rule"]
            policy["field_rules"] = rules
        return policy


class FunctionActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()


class FunctionResourceSerializer(serializers.Serializer):
    """One registered resource: its actions (function codes) and the fields rules may protect."""

    resource = serializers.CharField(source="code")
    label = serializers.CharField()
    app = serializers.CharField()
    scoped = serializers.BooleanField()
    shareable = serializers.BooleanField()
    actions = FunctionActionSerializer(many=True)
    protected_fields = serializers.SerializerMethodField()

    def get_protected_fields(self, entry) -> list[str]:
        return [protected.field for protected in entry.protected_fields]
