"""Shapes of the organisation API: they validate input; the services write."""

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.access.models import Role
from crm.identity.models import Department, User, UserStatus


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("Send it as `Authorization: Token <token>`."))


class DepartmentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RoleBriefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    department = DepartmentBriefSerializer(read_only=True, allow_null=True)
    roles = RoleBriefSerializer(many=True, read_only=True)
    data_scopes = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        read_only=True,
        help_text=_('Data scope per scoped resource (self, department, subtree, all) and "default".'),
    )
    functions = serializers.ListField(child=serializers.CharField(), read_only=True)


class UserSerializer(FieldRulesMixin, serializers.ModelSerializer):
    """A user; phone and email follow the caller's field rules (resource identity.user)."""

    resource = "identity.user"

    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, required=False)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    superior = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False, help_text=_("Direct superior (a user id).")
    )
    roles = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Role.objects.all(), required=False, help_text=_("Role codes.")
    )
    status = serializers.ChoiceField(choices=UserStatus.choices, required=False)
    password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("Required when creating a user."),
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "name", "employee_no", "phone", "email", "department", "department_name", "superior",
            "roles", "status", "last_login", "date_joined", "password",
        ]
        read_only_fields = ["id", "last_login", "date_joined"]
        extra_kwargs = {"employee_no": {"validators": []}}

    def validate(self, attrs):
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("This field is required.")]})
        if self.instance is not None and "password" in attrs:
            raise serializers.ValidationError({"password": [_("Passwords are not changed here.")]})
        return attrs


class DepartSerializer(serializers.Serializer):
    successor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), help_text=_("The active user who takes over the records.")
    )


class DepartResultSerializer(UserSerializer):
    handed_over = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_('Records handed over, by "<resource>.<owner field>".'),
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "handed_over"]


class DepartmentSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Changing it moves the department with everything below it."),
    )
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "path", "depth", "sort_order", "leader", "member_count"]
        read_only_fields = ["id", "path", "depth", "member_count"]
