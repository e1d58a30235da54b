"""
The API's views: thin DRF viewsets over the inbox's models and services.

Django's LoginRequiredMiddleware would send an anonymous request to the login page,
and it knows only sessions, so it would also turn away a client with a valid token.
These views are exempt from it (`login_not_required`; DRF 3.16+ exempts its views too,
but the API's answers depend on it, so it is said here) because DRF authenticates
them itself, by token or session, and answers 401 or 403 in JSON.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from strategy.models import Channel

from ..connectors.base import PayloadError
from ..ingest import deliveries
from ..models import Post
from ..selectors import filter_posts
from .parsers import SafeJSONParser
from .permissions import ReadWriteModelPermissions
from .serializers import ChannelSerializer, ErrorSerializer, PostFilterSerializer, PostIngestSerializer, PostSerializer


class StrictCursorPagination(CursorPagination):
    """A cursor or a page size that is not one is a 400 naming the parameter, never a 404 or silently ignored."""

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [_("Not a cursor this API gave; follow `next`.")]}) from exc

    def get_page_size(self, request):
        if self.page_size_query_param and self.page_size_query_param in request.query_params:
            value = request.query_params.get(self.page_size_query_param, "")
            if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
                raise ValidationError(
                    {
                        self.page_size_query_param: [
                            _("A whole number from 1 to %(most)s.") % {"most": self.max_page_size}
                        ]
                    }
                )
        return super().get_page_size(request)


class PostPagination(StrictCursorPagination):
    # Newest first; the id orders the posts published in the same second.
    ordering = ("-published_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200


class ChannelPagination(StrictCursorPagination):
    # The id never changes, so a cursor stays valid while a channel is renamed.
    ordering = ("id",)


# The refusals every endpoint can answer, in JSON: {"detail": "..."}.
REFUSED = {
    401: OpenApiResponse(ErrorSerializer, description=_("No token or session: log in, or send a token.")),
    403: OpenApiResponse(ErrorSerializer, description=_("Your role may not do this.")),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description=_("There is no such object."))}
BAD_FILTER = {400: OpenApiResponse(description=_("A filter is wrong; the answer names it."))}
BAD_PAGE = {400: OpenApiResponse(description=_("The cursor or the page size is wrong; the answer names it."))}


# Plain equality filters of the list: query parameter -> lookup.
@extend_schema_view(
    list=extend_schema(
        summary=_("List posts"),
        description=_("The inbox's posts, newest first, a page at a time (follow `next`)."),
        parameters=[PostFilterSerializer],
        responses={200: PostSerializer(many=True), **BAD_FILTER, **REFUSED},
    ),
    retrieve=extend_schema(summary=_("Read a post"), responses={200: PostSerializer, **REFUSED, **NOT_FOUND}),
)
@method_decorator(login_not_required, name="dispatch")
class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Post.objects.select_related("author")
    permission_classes = [ReadWriteModelPermissions]
    pagination_class = PostPagination
    # The body is stored as the delivery and read by the generic connector: JSON only.
    parser_classes = [SafeJSONParser]
    lookup_value_converter = "int"

    def get_serializer_class(self) -> type[PostSerializer | PostIngestSerializer]:
        # What a POST sends is not what it answers; OPTIONS and the browsable API's
        # form ask with a cloned POST request, and should describe the former.
        if self.request is not None and self.request.method == "POST":
            return PostIngestSerializer
        return PostSerializer

    def filter_queryset(self, queryset: QuerySet[Post]) -> QuerySet[Post]:
        # Here rather than in get_queryset, which the permission check calls first:
        # someone without access gets 403 whatever the parameters.
        if self.action != "list":
            return queryset
        filters = PostFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return filter_posts(queryset, **filters.validated_data)

    @extend_schema(
        summary=_("Ingest a post"),
        description=_(
            "Store one post in the generic format and process it at once. Idempotent: sending the "
            "same channel and external_id again answers 200 with the post as stored and changes nothing."
        ),
        request=PostIngestSerializer,
        responses={
            201: OpenApiResponse(PostSerializer, description=_("The post was new and is stored.")),
            200: OpenApiResponse(PostSerializer, description=_("The post was there already; nothing changed.")),
            400: OpenApiResponse(description=_("A field is missing or wrong; the answer names it.")),
            **REFUSED,
        },
    )
    def create(self, request: Request) -> Response:
        # What was sent is what gets stored: read the raw body before DRF parses the stream.
        body = request.body
        self.get_serializer(data=request.data).is_valid(raise_exception=True)
        try:
            post, created = deliveries.ingest_api_post(body=body, headers=request.headers)
        except PayloadError as exc:
            message = _("The post could not be stored: {reason}").format(reason=exc)
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}) from exc
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        summary=_("List channels"), responses={200: ChannelSerializer(many=True), **BAD_PAGE, **REFUSED}
    ),
    retrieve=extend_schema(summary=_("Read a channel"), responses={200: ChannelSerializer, **REFUSED, **NOT_FOUND}),
)
@method_decorator(login_not_required, name="dispatch")
class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Channel.objects.prefetch_related("purposes", "audiences")
    serializer_class = ChannelSerializer
    permission_classes = [ReadWriteModelPermissions]
    pagination_class = ChannelPagination
    lookup_value_converter = "int"
