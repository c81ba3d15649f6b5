"""The API of announcements and the know-how board (API.md; SADM-5).

- `/announcements/`: the caller's announcements with `is_read` (`?unread=true`); publishing (POST),
  changing and deleting for publishers; GET `…/{id}/` records the read receipt;
  `…/{id}/receipts/` gives the publisher the counts and a page of the audience not read yet.
- `/know-how/`: posts (`?search=`, `?tag=`, `?ordering=new|liked`); `…/{id}/like/` toggles the
  caller's like; `…/{id}/answers/` lists and adds answers; `…/{id}/answers/{answer}/` deletes
  one and `…/{id}/answers/{answer}/like/` toggles a like on it.
Reads go through the selectors, writes through the services, which decide who may change what.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.bulletin import permissions, selectors, services
from crm.bulletin.api import serializers as s
from crm.bulletin.models import Announcement, Post
from crm.bulletin.permissions import ANNOUNCEMENT, POST
from crm.core.api.viewsets import ERRORS, CrmModelViewSet
from crm.core.errors import PermissionDenied

PUBLISHING = ("create", "update", "partial_update", "destroy", "receipts")


def _audience(data: dict) -> dict:
    values = dict(data)
    if "departments" in values:
        values["departments"] = list(values["departments"])
    return values


@extend_schema_view(
    list=extend_schema(
        summary="List my announcements",
        description="The announcements addressed to the caller (live ones), pinned first, then the newest; "
        "publishers with the scope all see every announcement.",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only those not read yet.")],
    ),
    create=extend_schema(summary="Publish an announcement", responses={201: s.AnnouncementSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Read an announcement", description="Records the caller's read receipt."),
    update=extend_schema(summary="Replace an announcement", responses={200: s.AnnouncementSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change an announcement", responses={200: s.AnnouncementSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an announcement", responses={204: None, **ERRORS}),
)
class AnnouncementViewSet(CrmModelViewSet):
    """Announcements 通知公告 (SADM-5)."""

    resource = ANNOUNCEMENT
    serializer_class = s.AnnouncementSerializer
    queryset = Announcement.objects.none()  # the schema's; the selectors read

    @property
    def required_action(self):
        return "publish" if getattr(self, "action", None) in PUBLISHING else "view"

    def get_queryset(self):
        unread = str(self.request.query_params.get("unread", "")).lower() in ("1", "true", "yes")
        return selectors.announcement_list(user=self.request.user, unread_only=unread).prefetch_related("departments")

    def get_object(self):
        announcement = selectors.announcement_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.action != "retrieve" and not permissions.manages(self.request.user, announcement):
            raise PermissionDenied()
        return announcement

    def retrieve(self, request, *args, **kwargs):
        announcement = self.get_object()
        services.announcement_read(user=request.user, announcement=announcement)
        announcement.is_read = True
        return Response(self.get_serializer(announcement).data)

    def _fresh(self, announcement):
        return selectors.announcement_list(user=self.request.user).get(pk=announcement.pk)

    def perform_create(self, serializer):
        item = services.announcement_publish(actor=self.request.user, data=_audience(serializer.validated_data))
        serializer.instance = self._fresh(item)

    def perform_update(self, serializer):
        services.announcement_update(
            actor=self.request.user, announcement=serializer.instance, data=_audience(serializer.validated_data)
        )
        serializer.instance = self._fresh(serializer.instance)

    def perform_destroy(self, instance):
        services.announcement_delete(actor=self.request.user, announcement=instance)

    @extend_schema(
        summary="Read receipts of an announcement",
        description="The audience, read and unread counts, and a page of the users who have not read it.",
        responses={200: s.ReceiptsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        counts = selectors.receipts(self.get_object())
        page = self.paginate_queryset(counts.pop("unread_users"))
        return Response({
            "counts": counts,
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": s.ReceiptUserSerializer(page, many=True).data,
        })


@extend_schema_view(
    list=extend_schema(summary="List or search know-how posts", parameters=[s.PostFilterSerializer]),
    create=extend_schema(summary="Post a tip", responses={201: s.PostSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get a post"),
    update=extend_schema(summary="Replace a post", responses={200: s.PostSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a post", responses={200: s.PostSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a post", responses={204: None, **ERRORS}),
)
class PostViewSet(CrmModelViewSet):
    """The know-how board 销售经验 (SADM-5)."""

    resource = POST
    serializer_class = s.PostSerializer
    queryset = Post.objects.none()

    @property
    def required_action(self):
        name = getattr(self, "action", None)
        if name in ("create", "like", "answer_like") or (name == "answers" and self.request.method == "POST"):
            return "create"
        return "view"  # changing and deleting: the services decide (the author, or a moderator)

    def get_queryset(self):
        filters = self.valid(s.PostFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.post_list(user=self.request.user, filters={**filters, "q": filters.get("search")})

    def get_object(self):
        return selectors.post_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        post = services.post_create(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = selectors.post_get(user=self.request.user, pk=post.pk)

    def perform_update(self, serializer):
        services.post_update(actor=self.request.user, post=serializer.instance, data=serializer.validated_data)
        serializer.instance = selectors.post_get(user=self.request.user, pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.post_delete(actor=self.request.user, post=instance)

    @extend_schema(summary="Like a post, or take the like back", request=None,
                   responses={200: s.LikeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def like(self, request, pk=None):
        liked, count = services.post_like_toggle(actor=request.user, post=self.get_object())
        return Response({"liked": liked, "like_count": count})

    @extend_schema(methods=["GET"], summary="A post's answers", responses={200: s.AnswerSerializer(many=True)})
    @extend_schema(methods=["POST"], summary="Answer a post", request=s.AnswerSerializer,
                   responses={201: s.AnswerSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def answers(self, request, pk=None):
        post = self.get_object()
        if request.method == "POST":
            body = self.valid(s.AnswerSerializer)["body"]
            answer = services.answer_create(actor=request.user, post=post, body=body)
            fresh = selectors.answer_get(user=request.user, post=post, pk=answer.pk)
            return Response(s.AnswerSerializer(fresh).data, status=status.HTTP_201_CREATED)
        return Response(s.AnswerSerializer(selectors.answer_list(user=request.user, post=post), many=True).data)

    @extend_schema(summary="Delete an answer", request=None, responses={204: None, **ERRORS})
    @action(detail=True, methods=["delete"], url_path=r"answers/(?P<answer_pk>\d+)")
    def answer(self, request, pk=None, answer_pk=None):
        answer = selectors.answer_get(user=request.user, post=self.get_object(), pk=answer_pk)
        services.answer_delete(actor=request.user, answer=answer)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Like an answer, or take the like back", request=None,
                   responses={200: s.LikeSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<answer_pk>\d+)/like")
    def answer_like(self, request, pk=None, answer_pk=None):
        answer = selectors.answer_get(user=request.user, post=self.get_object(), pk=answer_pk)
        liked, count = services.answer_like_toggle(actor=request.user, answer=answer)
        return Response({"liked": liked, "like_count": count})
