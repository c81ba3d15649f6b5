"""Shapes of knowledge articles in the API (SRV-7)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.knowledge import permissions, tokens
from crm.knowledge.models import Article, ArticleStatus


class TagsField(serializers.ListField):
    """Tags as a list of strings; stored comma-separated (a string with commas is read too)."""

    child = serializers.CharField(max_length=30)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = tokens.split_tags(data)
        return super().to_internal_value(data)

    def to_representation(self, data):
        return tokens.split_tags(data)


StatusField = extend_schema_field({"type": "string", "enum": ArticleStatus.values}, component_name="ArticleStatusEnum")(
    type("ArticleStatusField", (serializers.ChoiceField,), {})
)


class AbilitiesSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()
    publish = serializers.BooleanField()


class ArticleSerializer(serializers.ModelSerializer):
    """A knowledge article 知识库文章: a problem and its solution. Created as a draft; published
    with POST …/publish/."""

    tags = TagsField(required=False, max_length=20, help_text=_("Up to 20 tags of 30 characters at most."))
    status = StatusField(choices=ArticleStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    author_name = serializers.CharField(source="author", read_only=True, allow_null=True)
    may = serializers.SerializerMethodField(help_text=_("What the caller may do with this article."))

    class Meta:
        model = Article
        fields = [
            "id", "title", "problem", "solution", "tags", "product", "is_public", "status", "status_label",
            "published_at", "author", "author_name", "view_count", "source_service_id", "created_at", "updated_at",
            "may",
        ]
        read_only_fields = ["id", "published_at", "view_count", "source_service_id", "created_at", "updated_at"]

    @extend_schema_field(AbilitiesSerializer)
    def get_may(self, article) -> dict:
        return permissions.abilities(self.context["request"].user, article)


class ArticleFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=tokens.MAX_QUERY_CHARS,
        help_text=_("Words of the title, problem, solution, tags or product, Chinese or English; all must match."),
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text=_("One tag, exactly."))
    status = StatusField(choices=ArticleStatus.choices, required=False)
