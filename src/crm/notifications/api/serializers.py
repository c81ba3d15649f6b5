from rest_framework import serializers

from crm.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "kind", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class ReadAllResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many notifications were marked read.")
