"""Shapes of announcements and know-how posts in the API (SADM-5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.bulletin import text
from crm.bulletin.models import ANSWER_MAX, BODY_MAX, TITLE_MAX, Announcement, Answer, Post
from crm.identity.models import Department


class AnnouncementSerializer(serializers.ModelSerializer):
    """An announcement 通知公告: to everyone (`to_all`) or to departments and their sub-departments.
    Reading it (GET …/{id}/) records the caller's read receipt."""

    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, help_text=_("Plain text; shown with line breaks."))
    departments = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Department.objects.all(),
        help_text=_("The departments it goes to (with their sub-departments); empty with to_all."),
    )
    author_name = serializers.CharField(source="author", read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True, default=False, help_text=_("Whether the caller has read it."))

    class Meta:
        model = Announcement
        fields = [
            "id", "title", "body", "to_all", "departments", "pinned", "publish_at", "expires_at", "author",
            "author_name", "is_read", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "author", "created_at", "updated_at"]
        extra_kwargs = {"publish_at": {"required": False, "allow_null": True}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["is_read"] = bool(getattr(instance, "is_read", self.context.get("is_read", False)))
        return data


class ReceiptUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.name", allow_null=True, default=None)


class ReceiptCountsSerializer(serializers.Serializer):
    audience = serializers.IntegerField(help_text=_("Active users the announcement is addressed to."))
    read = serializers.IntegerField()
    unread = serializers.IntegerField()


class ReceiptsSerializer(serializers.Serializer):
    """The counts, and one page of the audience who have not read it (by name)."""

    counts = ReceiptCountsSerializer()
    count = serializers.IntegerField(help_text=_("Users not read yet."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReceiptUserSerializer(many=True)


class AnswerSerializer(serializers.ModelSerializer):
    body = serializers.CharField(max_length=ANSWER_MAX)
    author_name = serializers.CharField(source="author", read_only=True, allow_null=True)
    liked = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Answer
        fields = ["id", "post", "body", "author", "author_name", "like_count", "liked", "created_at"]
        read_only_fields = ["id", "post", "author", "like_count", "created_at"]


class TagsField(serializers.ListField):
    child = serializers.CharField(max_length=text.MAX_TAG_CHARS)

    def to_internal_value(self, data):
        return super().to_internal_value(text.tag_list(data) if isinstance(data, str) else data)

    def to_representation(self, data):
        return text.tag_list(data)


class PostSerializer(serializers.ModelSerializer):
    """A know-how post 销售经验: a selling tip or a question, with tags, answers and likes."""

    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX)
    tags = TagsField(required=False, max_length=text.MAX_TAGS, help_text=_("Up to 10 tags of 20 characters."))
    author_name = serializers.CharField(source="author", read_only=True, allow_null=True)
    liked = serializers.BooleanField(read_only=True, default=False, help_text=_("Whether the caller likes it."))

    class Meta:
        model = Post
        fields = [
            "id", "title", "body", "tags", "author", "author_name", "like_count", "answer_count", "liked",
            "created_at", "updated_at",
        ]
        read_only_fields = ["id", "author", "like_count", "answer_count", "created_at", "updated_at"]


class PostFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=text.MAX_QUERY_CHARS,
        help_text=_("Words of the title, content or tags (Chinese, or the title's pinyin); all must match."),
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=text.MAX_TAG_CHARS)
    ordering = serializers.ChoiceField(required=False, choices=["new", "liked"], help_text=_("new (default) or liked."))


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()
