"""Serializer support for field rules: hidden fields vanish, masked are masked, read-only stay put."""

from rest_framework import serializers

from crm.access.engine import access_for


class FieldRulesMixin:
    """For ModelSerializers of a registered resource: set `resource = "app.entity"` on the class."""

    resource: str = ""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or not self.resource:
            return fields
        access = access_for(request.user)
        for name in access.hidden_fields(self.resource):
            fields.pop(name, None)
        for name in access.readonly_fields(self.resource):
            if name in fields:
                fields[name].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not self.resource:
            return data
        access = access_for(request.user)
        for name in access.masked_fields(self.resource):
            if name in data:
                data[name] = access.present(self.resource, name, data[name])
        return data


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
