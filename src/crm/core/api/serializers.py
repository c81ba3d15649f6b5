"""Serializer shapes every app shares."""

from rest_framework import serializers


class UserBriefSerializer(serializers.Serializer):
    """A user as other records show it (owner, creator, assignee)."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
